package io.crier.gateway.permission;

/**
 * The outcome of one permission check, naming the rule that decided it, so that tests and logs can tell
 * the branches apart; a client only sees {@code forbidden} with the fixed {@link #message()}. Immutable;
 * thread-safe.
 */
public enum Verdict {
    /** The user's {@code subscribe} or {@code publish} claim matches the topic. */
    ALLOWED_BY_CLAIM(null),
    /** The topic is the user's own personal topic ({@code N:<sub>}): its owner needs no claim to subscribe. */
    ALLOWED_OWNER(null),
    /** An anonymous session may subscribe, because the namespace allows anonymous subscribers. */
    ALLOWED_ANONYMOUS(null),
    /** No claim of the user matches the topic. */
    DENIED_NO_CLAIM("not allowed by the token's claims"),
    /** An anonymous session asked for something anonymous sessions may not do here. */
    DENIED_ANONYMOUS("not allowed for anonymous sessions"),
    /** The topic is a personal topic of another user (or of no one); no claim can grant it. */
    DENIED_PERSONAL("a personal topic of another user"),
    /** The namespace takes no publications from clients at all (backends still publish through the broker). */
    DENIED_CLIENT_PUBLISH("clients may not publish in this namespace");

    private final String message;

    Verdict(String message) {
        this.message = message;
    }

    /** Whether the command may go ahead. */
    public boolean allowed() {
        return message == null;
    }

    /** The fixed, human-readable reason of a denial (never echoes the topic); {@code null} when allowed. */
    public String message() {
        return message;
    }
}
