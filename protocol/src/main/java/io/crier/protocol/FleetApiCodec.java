package io.crier.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON of the server API ({@code POST /api/v1/<action>}, beside the publish API), which backends call (the
 * messages nodes pass each other for it are {@link FleetControlCodec}'s). Request bodies are one JSON object of the action's fields
 * ({@code {"user":"42","reconnect":true}}); the batch body is {@code {"commands":[{"action":"revoke",...},...]}}.
 * Answers are {@code {"sessions":3,"nodes":2}}, the action's own object ({@code info}), {@code {"results":[..]}}
 * for a batch, and {@code {"error":{"code":..,"message":..}}}. Times are Unix seconds, like a token's
 * {@code exp} and {@code iat}. {@code presence} and {@code history} answer with the fields of the WebSocket
 * protocol's reply to the same command ({@link #encodeReply}). Unknown fields are ignored; a wrong type, a
 * missing field, a name that breaks {@link UserIds#isValid} or a time out of range rejects the action with a fixed message that never echoes the
 * request. Golden files in this module's tests pin the shapes.
 *
 * <p>Stateless apart from its limit; thread-safe.
 */
public final class FleetApiCodec {

    /** The longest user id or token id ({@code jti}) the API takes, in characters ({@link UserIds}). */
    public static final int MAX_NAME_LENGTH = UserIds.MAX_LENGTH;
    /** The latest time the API takes: the end of year 9999, in Unix seconds. */
    public static final long MAX_SECONDS = 253_402_300_799L;
    /** The actions of the routes {@code /api/v1/<action>} (and of batch entries). */
    public static final List<String> ACTIONS = List.of("disconnect", "unsubscribe", "subscribe", "revoke",
            "invalidate", "block", "unblock", "presence", "history", "info");
    /** The route of the batch form. */
    public static final String BATCH = "batch";

    private final FleetFields fields;
    private final int maxBatch;

    /** @param maxBatch the most actions one batch may hold */
    public FleetApiCodec(int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be positive");
        }
        this.maxBatch = maxBatch;
        this.fields = new FleetFields(maxBatch);
    }

    /**
     * Decodes the body of {@code POST /api/v1/<route>}. Never throws for bad input.
     *
     * @param route the last path segment: one of {@link #ACTIONS} or {@link #BATCH}
     */
    public FleetApiRequest decode(String route, byte[] body) {
        Objects.requireNonNull(route, "route");
        if (!ACTIONS.contains(route) && !BATCH.equals(route)) {
            return new FleetApiRequest.Invalid(PublishApiError.INVALID_FIELD, "unknown action");
        }
        Object top = fields.parse(body);
        if (top instanceof FleetApiRequest.Invalid invalid) {
            return invalid;
        }
        Map<?, ?> values = (Map<?, ?>) top;
        if (!BATCH.equals(route)) {
            return new FleetApiRequest.Single(FleetFields.action(route, values));
        }
        if (!(values.get("commands") instanceof List<?> commands)) {
            return new FleetApiRequest.Invalid(PublishApiError.INVALID_FIELD, "'commands' must be an array");
        }
        if (commands.size() > maxBatch) {
            return new FleetApiRequest.Invalid(PublishApiError.TOO_LARGE,
                    "a batch holds at most " + maxBatch + " commands");
        }
        List<FleetAction> actions = new ArrayList<>(commands.size());
        for (Object command : commands) {
            actions.add(command instanceof Map<?, ?> entry ? batchEntry(entry)
                    : new FleetAction.Rejected(PublishApiError.INVALID_FIELD, "a command must be a JSON object"));
        }
        return new FleetApiRequest.Batch(actions);
    }

    private FleetAction batchEntry(Map<?, ?> entry) {
        Object name = entry.get("action");
        if (name == null) {
            return new FleetAction.Rejected(PublishApiError.MISSING_FIELD, "missing field 'action'");
        }
        if (!(name instanceof String action) || !ACTIONS.contains(action)) {
            return new FleetAction.Rejected(PublishApiError.INVALID_FIELD, "unknown action");
        }
        return FleetFields.action(action, entry);
    }

    /** Encodes the answer to one action: {@code {"sessions":..,"nodes":..}}, its own body, or the error. */
    public byte[] encode(FleetApiResult result) {
        Objects.requireNonNull(result, "result");
        if (result instanceof FleetApiResult.Body body) {
            return body.json().toBytes();
        }
        return fields.write(json -> writeResult(json, result));
    }

    /**
     * Encodes the answer to {@code presence} or {@code history}: the fields of the WebSocket protocol's {@code ok}
     * reply to the same command, without its {@code type} and {@code id}
     * ({@code {"presence":[..]}}, {@code {"sessions":3,"users":2}}, {@code {"offset":9,"epoch":"abc","complete":true,
     * "publications":[..]}}).
     */
    public byte[] encodeReply(Reply reply) {
        Objects.requireNonNull(reply, "reply");
        return fields.write(json -> {
            json.writeStartObject();
            EnvelopeCodec.writeOkFields(json, reply);
            json.writeEndObject();
        });
    }

    /** Encodes the answer to a batch: {@code {"results":[..]}}, in request order. */
    public byte[] encodeBatch(List<FleetApiResult> results) {
        Objects.requireNonNull(results, "results");
        return fields.write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("results");
            for (FleetApiResult result : results) {
                writeResult(json, result);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private static void writeResult(JsonGenerator json, FleetApiResult result) throws IOException {
        if (result instanceof FleetApiResult.Body body) {
            json.writeRawValue(new RawValue(body.json()));
            return;
        }
        json.writeStartObject();
        if (result instanceof FleetApiResult.Reached reached) {
            json.writeNumberField("sessions", reached.sessions());
            json.writeNumberField("nodes", reached.nodes());
        } else {
            FleetApiResult.Failed failed = (FleetApiResult.Failed) result;
            json.writeObjectFieldStart("error");
            json.writeStringField("code", failed.error().wire());
            json.writeStringField("message", failed.message());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    /** Encodes {@code {"error":{"code":..,"message":..}}}, the body of every error response. */
    public byte[] encodeError(PublishApiError error, String message) {
        return encode(new FleetApiResult.Failed(error, message));
    }

}
