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
 * The token side of a node, for the configured auth: the verifier of every configured key source and the issuer
 * of {@code GET /dev/token} when the node serves one: in development mode it signs with the verifier's random
 * secret (which lives as long as the node, so its tokens are good on this node only); with {@code auth.devTokens}
 * it signs with {@code auth.hmacSecret}, so every node configured with that secret accepts its tokens (a local
 * fleet). Immutable after construction; thread-safe.
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

    /**
     * The issuer of development tokens (with a loud warning), or {@code null} when the node serves none (a key is
     * configured and {@code auth.devTokens} is off).
     */
    DevTokenIssuer devTokens(Clock clock) {
        if (auth.devMode()) {
            log.warn("development mode: no token key configured (auth.hmacSecret, auth.publicKeyFiles, auth.jwksUrl), "
                    + "so any client can get a token from GET /dev/token. Configure a key for anything but local tries.");
        } else if (auth.devTokens()) {
            log.warn("auth.devTokens=true: any client can get a token for any user, allowed to subscribe and publish "
                    + "everywhere, from GET /dev/token, signed with auth.hmacSecret (every node with that secret accepts "
                    + "it). For a fleet on one machine only (deploy/bin/fleet): never on a node anyone else can reach.");
        } else {
            return null;
        }
        // The verifier's secret: the random one in development mode, else auth.hmacSecret (devTokens needs it).
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
