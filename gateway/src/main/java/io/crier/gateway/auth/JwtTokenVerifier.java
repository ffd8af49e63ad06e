package io.crier.gateway.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.crier.protocol.StrictJson;
import io.crier.protocol.UserIds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies JWTs signed with HS256/384/512, RS256/384/512 or ES256/384: first the compact form, read as
 * strictly as every frame and in one pass ({@link CompactJws}: three segments of canonical unpadded base64url; a
 * header and a payload that are each one JSON object with no duplicate name, by {@link StrictJson#isObject}),
 * then the signature (HMAC with a per-thread {@code Mac} over the bytes already read, RSA and EC by java-jwt) against
 * the keys in force (picked by {@code kid}; see {@link KeySet}), where each key only verifies the algorithms
 * of its own type, so {@code alg: none}, unknown algorithms and algorithm confusion (an RSA public key used
 * as an HMAC secret) are refused; then the claims (see {@link ClaimChecks}). Every refusal is counted in
 * {@link MeterCatalog#AUTH_FAILURES}, tagged with its fixed {@link Reason}. Build one from the configuration with
 * {@link TokenVerifierFactory}.
 *
 * <p>Thread-safe: one verifier serves every event loop, and never blocks (a JWKS refresh asked for by an
 * unknown kid runs in the background). {@link #close()} stops that background refresh.
 */
public final class JwtTokenVerifier implements TokenVerifier, AutoCloseable {

    /** The longest accepted {@code sub}. */
    public static final int MAX_SUBJECT_LENGTH = UserIds.MAX_LENGTH;
    /** The longest token looked at; longer ones are refused as malformed before any decoding. */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    private static final Set<String> ALGORITHMS = Set.of(
            "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384");

    private final KeySource keys;
    private final ClaimChecks claims;
    private final CompactJws.Reader tokens = new CompactJws.Reader();
    private final Map<Reason, Counter> failures = new EnumMap<>(Reason.class);

    /**
     * A verifier of tokens signed with one HMAC secret, with no clock leeway and no iss/aud check, whose
     * refusals are counted in a private registry (development mode and tests).
     *
     * @param hmacSecret the shared secret, at least 32 bytes (copied)
     * @param clock      the clock {@code exp}, {@code nbf} and {@code iat} are checked against
     * @throws IllegalArgumentException when the secret is shorter than 32 bytes
     */
    public JwtTokenVerifier(byte[] hmacSecret, Clock clock) {
        this(hmacSecret, clock, new SimpleMeterRegistry());
    }

    /** Like {@link #JwtTokenVerifier(byte[], Clock)}, counting refusals in {@code meters}. */
    public JwtTokenVerifier(byte[] hmacSecret, Clock clock, MeterRegistry meters) {
        this(new KeySet(List.of(VerificationKey.hmac("hmac secret", hmacSecret))),
                new ClaimChecks(null, null, Duration.ZERO, clock), meters);
    }

    JwtTokenVerifier(KeySource keys, ClaimChecks claims, MeterRegistry meters) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.claims = Objects.requireNonNull(claims, "claims");
        for (Reason reason : Reason.values()) {
            failures.put(reason, MeterCatalog.AUTH_FAILURES.counter(meters, "reason", reason.tag()));
        }
    }

    @Override
    public User verify(String token) throws InvalidTokenException {
        try {
            CompactJws jwt = decode(token);
            checkSignature(jwt);
            return claims.user(jwt);
        } catch (InvalidTokenException e) {
            failures.get(e.reason()).increment();
            throw e;
        }
    }

    /** Stops the background JWKS refresh, if there is one. */
    @Override
    public void close() {
        keys.close();
    }

    /** The keys in force now (for tests and startup logs). */
    KeySet keys() {
        return keys.current();
    }

    private CompactJws decode(String token) throws InvalidTokenException {
        if (token == null || token.isEmpty()) {
            throw new InvalidTokenException(Reason.MISSING_TOKEN);
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new InvalidTokenException(Reason.MALFORMED);
        }
        return tokens.read(token);
    }

    private void checkSignature(CompactJws jwt) throws InvalidTokenException {
        String alg = jwt.algorithm();
        if (alg == null || !ALGORITHMS.contains(alg)) {
            throw new InvalidTokenException(Reason.ALGORITHM_NOT_ALLOWED);
        }
        String kid = jwt.keyId();
        KeySet now = keys.current();
        List<Algorithm> candidates = now.candidates(alg, kid);
        DecodedJWT decoded = null;
        for (Algorithm candidate : candidates) {
            if (candidate instanceof HmacAlgorithm hmac) {
                if (hmac.verifies(jwt.ascii(), jwt.signingInputLength(), jwt.signature())) {
                    return;
                }
                continue;
            }
            decoded = decoded == null ? javaJwt(jwt) : decoded;
            try {
                candidate.verify(decoded);
                return;
            } catch (SignatureVerificationException e) {
                // Not this key; several keys may be in force at once (rotation), the next may fit.
                continue;
            }
        }
        if (kid != null && !now.hasKid(kid)) {
            keys.unknownKid(kid);
        }
        throw new InvalidTokenException(candidates.isEmpty() ? Reason.UNKNOWN_KEY : Reason.BAD_SIGNATURE);
    }

    /**
     * The token as java-jwt decodes it, for the RSA and EC verifiers, which take nothing else. It cannot fail on a
     * token {@link CompactJws} accepted, since that reads at least as strictly; if it ever did, the token is
     * malformed all the same.
     */
    private static DecodedJWT javaJwt(CompactJws jwt) throws InvalidTokenException {
        try {
            return JWT.decode(jwt.token());
        } catch (JWTDecodeException e) {
            throw new InvalidTokenException(Reason.MALFORMED);
        }
    }
}
