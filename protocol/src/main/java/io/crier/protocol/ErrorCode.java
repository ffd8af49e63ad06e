package io.crier.protocol;

/**
 * The stable error codes of error replies. The wire value ({@link #wire()}) never changes meaning; new
 * codes may be added. Every code is listed in PROTOCOL.md. Immutable; thread-safe.
 */
public enum ErrorCode {
    /** The frame is not a JSON object (bad syntax, bad UTF-8, trailing data, not an object). */
    BAD_JSON("bad_json"),
    /** A required field is absent. */
    MISSING_FIELD("missing_field"),
    /** A field has the wrong JSON type or an impossible value. */
    INVALID_FIELD("invalid_field"),
    /** The {@code type} field names no known command. */
    UNKNOWN_TYPE("unknown_type"),
    /** The topic name breaks the topic rules (1 to 200 characters of {@code A-Za-z0-9_-.:@=}). */
    BAD_TOPIC("bad_topic"),
    /** The frame or the publication data is larger than the server allows. */
    TOO_LARGE("too_large"),
    /** A command other than {@code auth} arrived before the session was authenticated. */
    NOT_AUTHENTICATED("not_authenticated"),
    /** An {@code auth} command arrived on a session that is already authenticated. */
    ALREADY_AUTHENTICATED("already_authenticated"),
    /** The user's claims do not allow this subscribe or publish. */
    FORBIDDEN("forbidden"),
    /** The session is already subscribed to the topic. */
    ALREADY_SUBSCRIBED("already_subscribed"),
    /** The session is not subscribed to the topic it tried to unsubscribe from. */
    NOT_SUBSCRIBED("not_subscribed"),
    /** The session has reached its limit of topics. */
    TOO_MANY_TOPICS("too_many_topics"),
    /** The command came faster than the session's rate limit allows; it was not run; retry later. */
    RATE_LIMITED("rate_limited"),
    /**
     * The token of a {@code refresh} command is invalid, expired, or for another user; the session keeps
     * its current token.
     */
    INVALID_TOKEN("invalid_token"),
    /**
     * History (for a {@code history} command) or presence (for a {@code presence} command) is not enabled for
     * the topic's namespace.
     */
    NOT_AVAILABLE("not_available"),
    /**
     * The backend's proxy hook refused the command (a {@code refused} error reply carries the backend's
     * {@code appCode} and message).
     */
    REFUSED("refused"),
    /**
     * The node cannot reach its broker, or the backend of a proxy hook (down, too slow, busy, or answering
     * garbage), right now; the command may be retried.
     */
    UNAVAILABLE("unavailable"),
    /** The server failed unexpectedly; the command may be retried. */
    INTERNAL("internal");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The value of the {@code code} field on the wire. */
    public String wire() {
        return wire;
    }
}
