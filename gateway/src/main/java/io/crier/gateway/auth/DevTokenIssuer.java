package io.crier.gateway.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Mints development tokens: any user name, allowed to subscribe and publish to every topic ({@code ["*"]}).
 * Constructed only in development mode (no key configured: the node's random secret) or with
 * {@code auth.devTokens} (the configured {@code auth.hmacSecret}, for a local fleet). The tokens are ordinary
 * HS256 tokens that {@link JwtTokenVerifier} accepts with the same secret.
 *
 * <p>Immutable and thread-safe.
 */
public final class DevTokenIssuer {

    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final Algorithm algorithm;
    private final Clock clock;
    private final Duration ttl;

    /**
     * @param hmacSecret the secret, at least 32 bytes (copied)
     * @param clock      gives {@code iat}, and {@code exp = now + ttl}
     * @param ttl        the token lifetime, at least one second ({@code exp} has whole seconds)
     */
    public DevTokenIssuer(byte[] hmacSecret, Clock clock, Duration ttl) {
        this.algorithm = HmacKeys.hs256(hmacSecret);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("ttl must be at least 1s");
        }
    }

    /**
     * A signed token for {@code user}, which must be 1 to 64 characters of {@code A-Za-z0-9_-.}.
     *
     * @throws IllegalArgumentException when the user name breaks that rule
     */
    public String issue(String user) {
        if (user == null || !USER.matcher(user).matches()) {
            throw new IllegalArgumentException("user must be 1 to 64 characters of A-Za-z0-9_.-");
        }
        Instant now = clock.instant();
        return JWT.create()
                .withSubject(user)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(ttl))
                .withArrayClaim("subscribe", new String[] {"*"})
                .withArrayClaim("publish", new String[] {"*"})
                .sign(algorithm);
    }
}
