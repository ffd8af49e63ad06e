package io.crier.protocol;

/**
 * Every code with which Crier itself closes a WebSocket. Codes 4000-4499 mean "reconnect" (with backoff);
 * codes 4500-4999 mean "do not reconnect without fixing something first". Crier's own codes stay in 4000-4099 and
 * 4500-4599; the rest of each range is for the backend's application codes ({@link Close#app}). The standard
 * codes 1003, 1007 and 1009 answer broken frames, which only a client bug produces, and also mean "do not reconnect".
 * The {@link #reason()} is the close frame's reason text, well under the 123-byte limit. Immutable; thread-safe.
 */
public enum CloseCode {
    /** The node is shutting down or draining; reconnect, and another node will take the session. */
    SHUTDOWN(4000, "shutdown", true),
    /** The session's outbound queue passed its byte limit because the client read too slowly. */
    SLOW_CONSUMER(4001, "slow_consumer", true),
    /** Nothing, not even a pong, arrived from the client for two heartbeat intervals. */
    HEARTBEAT_TIMEOUT(4002, "heartbeat_timeout", true),
    /** The server failed unexpectedly while handling this session. */
    INTERNAL_ERROR(4003, "internal_error", true),
    /**
     * The token expired: a session's token passed {@code exp} and no {@code refresh} came within the grace period,
     * or the token of an {@code auth} command had expired already (and broke no other rule). Reconnect with a new
     * token; the same token will not do.
     */
    TOKEN_EXPIRED(4004, "token_expired", true),
    /** The user already has as many connections as allowed; reconnect later, after closing another. */
    CONNECTION_LIMIT(4005, "connection_limit", true),
    /**
     * The node lost publications of a subscribed topic that it cannot repair (the topic's epoch changed, or the
     * gap is older than the history keeps): reconnect and resubscribe with the last position, which then
     * answers {@code recovered:false}.
     */
    INSUFFICIENT_STATE(4006, "insufficient_state", true),
    /**
     * The backend's connect hook could not be asked (down, too slow, busy, or answering garbage): reconnect after
     * the {@code reconnectDelayMs} hint, which is random so that the clients do not all come back at once.
     */
    BACKEND_UNAVAILABLE(4007, "backend_unavailable", true),
    /** The backend's connect or refresh hook disconnected the session with a code of 4000-4499: reconnect. */
    BACKEND_DISCONNECT(4008, "backend_disconnect", true),
    /**
     * The backend disconnected the user through the server API ({@code POST /api/v1/disconnect} with
     * {@code "reconnect":true}): reconnect (with backoff).
     */
    DISCONNECTED_RECONNECT(4010, "disconnected", true),

    /**
     * The token can never work: missing, malformed, badly signed, signed by no known key, not valid yet, for
     * another issuer or audience, or lacking a required claim. An expired token gets {@link #TOKEN_EXPIRED}.
     */
    INVALID_TOKEN(4500, "invalid_token", false),
    /** No {@code auth} command arrived within the authentication deadline. */
    AUTH_TIMEOUT(4501, "auth_timeout", false),
    /** The session kept sending commands over its rate limit. */
    COMMAND_FLOOD(4502, "command_flood", false),
    /**
     * The session's token was revoked ({@code POST /api/v1/revoke}) or the user's tokens issued before a time were
     * invalidated ({@code POST /api/v1/invalidate}): this token will not work again; get a new one first.
     */
    REVOKED(4503, "revoked", false),
    /** The user is blocked ({@code POST /api/v1/block}) until a time the backend chose; do not reconnect. */
    BLOCKED(4504, "blocked", false),
    /**
     * The backend's connect or refresh hook refused the session (an {@code error}, or a {@code disconnect} with a
     * code of 4500-4999): do not reconnect with the same credentials.
     */
    BACKEND_REFUSED(4505, "backend_refused", false),
    /** The backend disconnected the user through the server API ({@code POST /api/v1/disconnect}); do not reconnect. */
    DISCONNECTED(4510, "disconnected_final", false),

    /** A frame broke the WebSocket protocol in another way (bad opcode, oversized control frame, ...). */
    PROTOCOL_ERROR(1002, "protocol_error", false),
    /** A binary frame arrived; the protocol is text only. */
    BINARY_NOT_SUPPORTED(1003, "binary_not_supported", false),
    /** A text frame was not valid UTF-8. */
    INVALID_UTF8(1007, "invalid_utf8", false),
    /** A frame or a reassembled message exceeded the size limit. */
    MESSAGE_TOO_BIG(1009, "message_too_big", false);

    private final int code;
    private final String reason;
    private final boolean reconnect;
    private final Close close;

    CloseCode(int code, String reason, boolean reconnect) {
        this.code = code;
        this.reason = reason;
        this.reconnect = reconnect;
        this.close = new Close(code, reason, reconnect);
    }

    /** This code as a {@link Close}: the form the {@code disconnect} push and the transport take. */
    public Close close() {
        return close;
    }

    /** The numeric close code, as sent in the close frame and in the {@code disconnect} push. */
    public int code() {
        return code;
    }

    /** The short reason, as sent in the close frame and in the {@code disconnect} push. */
    public String reason() {
        return reason;
    }

    /** Whether a client should reconnect after this close. */
    public boolean reconnect() {
        return reconnect;
    }
}
