package io.crier.gateway.session;

import io.crier.gateway.auth.TokenVerifier;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.permission.TopicPolicy;
import java.time.Clock;
import java.util.Objects;

/**
 * What every session of a node may do and how its token is handled: the topic limit, the topic
 * permissions, the verifier of {@code refresh} tokens, whether anonymous sessions may open, and the
 * expiry settings. One instance per node. Immutable and thread-safe.
 *
 * @param maxTopics      the most topics one session may be subscribed to
 * @param topics         the subscribe and publish permissions
 * @param verifier       verifies the token of a {@code refresh} command
 * @param allowAnonymous whether an {@code auth} command without a token opens an anonymous session
 * @param expiry         when to warn about, and disconnect for, token expiry
 */
public record SessionPolicy(int maxTopics, TopicPolicy topics, TokenVerifier verifier, boolean allowAnonymous,
                            TokenLifetime.Settings expiry) {

    public SessionPolicy {
        if (maxTopics < 1) {
            throw new IllegalArgumentException("maxTopics must be at least 1");
        }
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(expiry, "expiry");
    }

    /** The policy {@code config} describes, with {@code verifier} and its {@code clock}. */
    public static SessionPolicy of(CrierConfig config, TokenVerifier verifier, Clock clock) {
        return new SessionPolicy(config.session().maxTopics(), new TopicPolicy(config.namespaces()), verifier,
                config.auth().allowAnonymous(),
                new TokenLifetime.Settings(clock, config.auth().expiryWarning(), config.auth().expiryGrace()));
    }
}
