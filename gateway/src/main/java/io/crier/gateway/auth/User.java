package io.crier.gateway.auth;

import io.crier.protocol.RawJson;
import java.time.Instant;
import java.util.Objects;

/**
 * An authenticated user, as read from a verified token: the subject and what the claims allow.
 *
 * @param id        the {@code sub} claim
 * @param subscribe topics the user may subscribe to (the {@code subscribe} claim)
 * @param publish   topics the user may publish to (the {@code publish} claim)
 * @param expiresAt the {@code exp} claim
 * @param info      the {@code info} claim as JSON (any value), shown to others in presence; {@code null} when
 *                  the token has none
 */
public record User(String id, TopicPatterns subscribe, TopicPatterns publish, Instant expiresAt, RawJson info) {

    /**
     * The user of an anonymous session (when {@code auth.allowAnonymous} is on): an empty id, which no
     * verified token can carry ({@code sub} must not be blank), no claims, and a token that never expires.
     */
    public static final User ANONYMOUS = new User("", TopicPatterns.NONE, TopicPatterns.NONE, Instant.MAX);

    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subscribe, "subscribe");
        Objects.requireNonNull(publish, "publish");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** A user whose token has no {@code info} claim. */
    public User(String id, TopicPatterns subscribe, TopicPatterns publish, Instant expiresAt) {
        this(id, subscribe, publish, expiresAt, null);
    }

    /** Whether this is the user of an anonymous session (no token, empty id). */
    public boolean isAnonymous() {
        return id.isEmpty();
    }
}
