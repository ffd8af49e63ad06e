package io.crier.gateway.proxy;

/**
 * Why a hook call brought no usable answer. Each has a tag of {@code crier.proxy.calls}' {@code outcome} and a fixed
 * message for the client's {@code unavailable} error reply. Immutable; thread-safe.
 */
public enum HookFailure {
    /** The node's ({@code proxy.maxInFlight}) or the session's ({@code proxy.maxInFlightPerSession}) bound is full. */
    BUSY("busy", "backend busy, retry later"),
    /** No complete answer within {@code proxy.timeout}. */
    TIMEOUT("timeout", "backend timed out, retry later"),
    /** The backend could not be reached (refused, reset, DNS). */
    UNAVAILABLE("unavailable", "backend unavailable, retry later"),
    /** The backend answered with an HTTP status other than 200. */
    BAD_STATUS("bad_status", "backend failed, retry later"),
    /** The body was larger than {@code proxy.maxResponseBytes}. */
    TOO_LARGE("too_large", "backend failed, retry later"),
    /** The body broke the contract of PROTOCOL.md §16. */
    INVALID("invalid", "backend failed, retry later");

    private final String tag;
    private final String message;

    HookFailure(String tag, String message) {
        this.tag = tag;
        this.message = message;
    }

    /** The {@code outcome} tag. */
    public String tag() {
        return tag;
    }

    /** The client's error message: short, fixed. */
    public String message() {
        return message;
    }
}
