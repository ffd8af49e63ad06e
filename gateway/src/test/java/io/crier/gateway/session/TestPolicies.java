package io.crier.gateway.session;

import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.auth.TokenVerifier;
import io.crier.gateway.auth.User;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.gateway.permission.TopicPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Session policies for unit tests. Stateless and thread-safe. */
final class TestPolicies {

    /** Every namespace takes client publications, none is personal, none admits anonymous subscribers. */
    static final NamespacesConfig CLAIMS_ONLY = new NamespacesConfig(new NamespaceOptions(false, true, false));

    private TestPolicies() {
    }

    /** Claims decide every topic; every refresh is refused; expiry on the system clock. */
    static SessionPolicy claimsOnly(int maxTopics) {
        return new SessionPolicy(maxTopics, new TopicPolicy(CLAIMS_ONLY), refuseAll(), false,
                new TokenLifetime.Settings(Clock.systemUTC(), Duration.ofSeconds(60), Duration.ofSeconds(25)));
    }

    /** Claims decide every topic; {@code tokens} maps each token string a refresh may bring to its user. */
    static SessionPolicy withTokens(Map<String, User> tokens, Clock clock, Duration warning, Duration grace) {
        TokenVerifier verifier = token -> {
            User user = tokens.get(token);
            if (user == null) {
                throw new InvalidTokenException("unknown test token");
            }
            return user;
        };
        return new SessionPolicy(8, new TopicPolicy(CLAIMS_ONLY), verifier, true,
                new TokenLifetime.Settings(clock, warning, grace));
    }

    private static TokenVerifier refuseAll() {
        return token -> {
            throw new InvalidTokenException("refresh is not configured in this test");
        };
    }
}
