package io.crier.gateway.auth;

import io.crier.gateway.metrics.MeterCatalog;
import java.util.Objects;

/**
 * A token was refused, for one {@link Reason} out of a fixed set. The message is the reason's short text.
 * Clients learn only whether the token merely expired ({@link Reason#EXPIRED}: close 4004, or a 401 that says so,
 * since a fresh token will do) or is invalid otherwise (close 4500, the {@code invalid_token} reply, a plain
 * 401), so that the server tells an attacker nothing; metrics and the connection log carry the reason's
 * {@link Reason#tag() tag}, never token content.
 *
 * <p>Immutable and thread-safe.
 */
public final class InvalidTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a token was refused: a fixed set, so that metrics and logs never carry token content. */
    public enum Reason {
        MISSING_TOKEN("missing token", "missing_token"),
        MALFORMED("malformed token", "malformed"),
        ALGORITHM_NOT_ALLOWED("algorithm not allowed", "algorithm"),
        UNKNOWN_KEY("no key for this algorithm and kid", "unknown_key"),
        BAD_SIGNATURE("bad signature", "bad_signature"),
        EXPIRED("expired", "expired"),
        NOT_YET_VALID("not valid yet (nbf is in the future)", "not_yet_valid"),
        ISSUED_IN_FUTURE("issued in the future (iat)", "issued_in_future"),
        MISSING_EXP("missing exp", "missing_exp"),
        MISSING_SUB("missing sub", "missing_sub"),
        INVALID_SUB("sub is not a non-blank string of at most 256 characters without control characters",
                "invalid_sub"),
        WRONG_ISSUER("issuer mismatch", "issuer"),
        WRONG_AUDIENCE("audience mismatch", "audience"),
        INVALID_SUBSCRIBE("subscribe is not an array of strings", "invalid_subscribe"),
        INVALID_PUBLISH("publish is not an array of strings", "invalid_publish"),
        INVALID_TOPICS("topics is not an array of valid topic names within the session's topic limit",
                "invalid_topics"),
        INVALID_JTI("jti is not a string of at most 256 characters without control characters", "invalid_jti"),
        /** The token was revoked, or the user's tokens issued before a time were invalidated (close 4503). */
        REVOKED("revoked", "revoked"),
        /** The user is blocked (close 4504). */
        BLOCKED("user blocked", "blocked"),
        /** A refusal made outside this package with a free-text message. */
        OTHER("invalid token", "other");

        private final String text;
        private final String tag;

        Reason(String text, String tag) {
            this.text = text;
            this.tag = tag;
        }

        /** The short text, also the exception's message. */
        public String text() {
            return text;
        }

        /**
         * The value of the {@code reason} tag of {@link MeterCatalog#AUTH_FAILURES} (its allowed values are exactly
         * these tags) and of {@code tokenError} in the connection log.
         */
        public String tag() {
            return tag;
        }
    }

    private final Reason reason;

    /** A refusal for one of the fixed reasons; the message is {@link Reason#text()}. */
    public InvalidTokenException(Reason reason) {
        super(Objects.requireNonNull(reason, "reason").text(), null, false, false);
        this.reason = reason;
    }

    /** A refusal with a free-text message (never token content); its reason is {@link Reason#OTHER}. */
    public InvalidTokenException(String message) {
        super(message, null, false, false);
        this.reason = Reason.OTHER;
    }

    /** Why the token was refused. */
    public Reason reason() {
        return reason;
    }
}
