package io.crier.protocol;

/**
 * The stable error codes of the HTTP publish API ({@code POST /api/v1/publish}), each with the HTTP status
 * that answers it when it concerns the whole request. In a batch, an error that concerns one publication
 * ({@link #BAD_TOPIC}, {@link #TOO_LARGE}, {@link #UNAVAILABLE}, ...) is reported in that publication's result
 * and the request still answers 200. Codes shared with the WebSocket protocol ({@link ErrorCode}) have the
 * same wire value and meaning. Immutable; thread-safe.
 */
public enum PublishApiError {
    /** The body is not one JSON object (bad syntax, bad UTF-8, trailing data, duplicate field names). */
    BAD_JSON("bad_json", 400),
    /** A required field ({@code topic}, {@code data}) is absent. */
    MISSING_FIELD("missing_field", 400),
    /** A field has the wrong JSON type, or the request mixes the single and the batch form. */
    INVALID_FIELD("invalid_field", 400),
    /** The topic name breaks the topic rules (1 to 200 characters of {@code A-Za-z0-9_-.:@=}). */
    BAD_TOPIC("bad_topic", 400),
    /** The data is larger than {@code limits.maxDataBytes}, the body larger than the API accepts, or the batch
     * holds more than {@code api.maxBatch} publications. */
    TOO_LARGE("too_large", 413),
    /** The {@code Authorization: Bearer} key is missing or wrong. */
    UNAUTHORIZED("unauthorized", 401),
    /** The method is not {@code POST}. */
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    /** The {@code Content-Type} is not {@code application/json}. */
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
    /** The node cannot reach Redis right now (or is too busy); nothing was published; retry later. */
    UNAVAILABLE("unavailable", 503),
    /** The server failed unexpectedly; whether the publication was made is unknown. */
    INTERNAL("internal", 500);

    private final String wire;
    private final int httpStatus;

    PublishApiError(String wire, int httpStatus) {
        this.wire = wire;
        this.httpStatus = httpStatus;
    }

    /** The value of the {@code code} field on the wire. */
    public String wire() {
        return wire;
    }

    /** The HTTP status of a response whose whole request failed with this error. */
    public int httpStatus() {
        return httpStatus;
    }
}
