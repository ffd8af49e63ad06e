package io.crier.gateway;

import io.crier.gateway.auth.DevTokenIssuer;
import io.crier.gateway.auth.JwtTokenVerifier;
import io.crier.gateway.auth.TokenVerifierFactory;
import io.crier.gateway.config.AuthConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token side of a node, for the configured auth: the verifier of every configured key source and, in
 * development mode, the issuer of {@code GET /dev/token}, which shares the verifier's random secret (it lives as
 * long as the node). Immutable after construction; thread-safe.
 */
final class NodeTokens {

    // Under the composition root's name, where operators already look for startup warnings.
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    private static final Duration DEV_TOKEN_TTL = Duration.ofHours(12);

    private final AuthConfig auth;
    private final byte[] secret;
    private final JwtTokenVerifier verifier;

    /** Builds the verifier; may fetch the JWKS, and fails on a bad key file. */
    NodeTokens(AuthConfig auth, Clock clock, MeterRegistry meters) {
        this.auth = auth;
        this.secret = secret(auth);
        // Development mode keeps its random secret; otherwise every configured key source (may fetch the JWKS).
        this.verifier = auth.devMode() ? new JwtTokenVerifier(secret, clock, meters)
                : TokenVerifierFactory.create(auth, clock, meters);
    }

    JwtTokenVerifier verifier() {
        return verifier;
    }

    /** The issuer of development tokens (with a loud warning), or {@code null} outside development mode. */
    DevTokenIssuer devTokens(Clock clock) {
        if (!auth.devMode()) {
            return null;
        }
        log.warn("development mode: no token key configured (auth.hmacSecret, auth.publicKeyFiles, auth.jwksUrl), "
                + "so any client can get a token from GET /dev/token. Configure a key for anything but local tries.");
        return new DevTokenIssuer(secret, clock, DEV_TOKEN_TTL);
    }

    /** The configured secret, or in development mode a random one. */
    private static byte[] secret(AuthConfig auth) {
        if (!auth.devMode()) {
            return auth.hmacSecret().getBytes(StandardCharsets.UTF_8);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }
}
