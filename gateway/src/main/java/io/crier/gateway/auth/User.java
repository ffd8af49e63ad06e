package io.crier.gateway.auth;

import io.crier.protocol.RawJson;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An authenticated user, as read from a verified token (or answered by the backend's connect hook): the subject,
 * what the claims allow, and what revocation checks need.
 *
 * @param id        the {@code sub} claim
 * @param subscribe topics the user may subscribe to (the {@code subscribe} claim)
 * @param publish   topics the user may publish to (the {@code publish} claim)
 * @param expiresAt the {@code exp} claim
 * @param info      the {@code info} claim as JSON (any value), shown to others in presence; {@code null} when
 *                  the token has none
 * @param topics    the server-side subscriptions: topics the session is subscribed to when it opens, with no
 *                  {@code subscribe} command (the {@code topics} claim, or the connect hook's answer); empty when none
 * @param tokenId   the {@code jti} claim, which revocation names; {@code null} when the token has none
 * @param issuedAt  the {@code iat} claim, which invalidating a user's older tokens compares; {@code null} when the
 *                  token has none
 */
public record User(String id, TopicPatterns subscribe, TopicPatterns publish, Instant expiresAt, RawJson info,
                   List<String> topics, String tokenId, Instant issuedAt) {

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
        topics = List.copyOf(topics);
    }

    /** A user with no server-side subscriptions, {@code jti} or {@code iat}. */
    public User(String id, TopicPatterns subscribe, TopicPatterns publish, Instant expiresAt, RawJson info) {
        this(id, subscribe, publish, expiresAt, info, List.of(), null, null);
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
