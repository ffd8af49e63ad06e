package io.crier.gateway.auth;

import io.crier.gateway.config.AuthConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the node's {@link JwtTokenVerifier} from {@code auth.*}: the HMAC secrets, the PEM public key files
 * and the JWKS URL (fetched once before this returns, then refreshed in the background), with the issuer,
 * audience and clock leeway rules. Logs the keys in force (kids, origins and algorithms, never a secret).
 * Stateless.
 */
public final class TokenVerifierFactory {

    private static final Logger log = LoggerFactory.getLogger(TokenVerifierFactory.class);

    private TokenVerifierFactory() {
    }

    /**
     * The verifier for a configuration with keys (not development mode). Close it when the node stops.
     *
     * @throws IllegalArgumentException when a public key file cannot be read or holds no usable key, or when
     *                                  no key is configured at all
     */
    public static JwtTokenVerifier create(AuthConfig auth, Clock clock, MeterRegistry meters) {
        if (auth.devMode()) {
            throw new IllegalArgumentException("no token key configured (development mode has its own verifier)");
        }
        List<VerificationKey> keys = new ArrayList<>();
        if (!auth.hmacSecret().isEmpty()) {
            keys.add(VerificationKey.hmac("auth.hmacSecret", auth.hmacSecretBytes()));
        }
        if (!auth.hmacSecretPrevious().isEmpty()) {
            keys.add(VerificationKey.hmac("auth.hmacSecretPrevious", auth.hmacSecretPreviousBytes()));
        }
        KeySet fixed = new KeySet(keys).with(PemKeys.load(auth.publicKeyFiles()));
        fixed.keys().forEach(key -> log.info("token key: {}", key));
        ClaimChecks claims = new ClaimChecks(auth.issuer(), auth.audience(), auth.clockLeeway(), clock);
        if (auth.jwksUrl().isEmpty()) {
            return new JwtTokenVerifier(fixed, claims, meters);
        }
        JwksFetcher fetcher = new JwksFetcher(URI.create(auth.jwksUrl()), JwksKeySource.FETCH_DEADLINE);
        JwksKeySource jwks = new JwksKeySource(fetcher, fixed, auth.jwksRefreshInterval(), clock, meters);
        jwks.start();
        return new JwtTokenVerifier(jwks, claims, meters);
    }
}
