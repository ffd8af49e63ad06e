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
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies JWTs signed with HS256/384/512, RS256/384/512 or ES256/384: first the compact form, read as
 * strictly as every frame (three segments of canonical unpadded base64url; a header and a payload that are
 * each one JSON object with no duplicate name, by {@link StrictJson#isObject}), then the signature against
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
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    private final KeySource keys;
    private final ClaimChecks claims;
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
            DecodedJWT jwt = decode(token);
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

    private static DecodedJWT decode(String token) throws InvalidTokenException {
        if (token == null || token.isEmpty()) {
            throw new InvalidTokenException(Reason.MISSING_TOKEN);
        }
        if (token.length() > MAX_TOKEN_CHARS || !isStrictCompactForm(token)) {
            throw new InvalidTokenException(Reason.MALFORMED);
        }
        try {
            DecodedJWT jwt = JWT.decode(token);
            // No extension is understood, so a token that marks one as critical must be refused (RFC 7515 4.1.11).
            if (!jwt.getHeaderClaim("crit").isMissing()) {
                throw new InvalidTokenException(Reason.MALFORMED);
            }
            return jwt;
        } catch (JWTDecodeException e) {
            throw new InvalidTokenException(Reason.MALFORMED);
        }
    }

    /**
     * Whether {@code token} is the JWS compact form (RFC 7515 7.1) read strictly, as java-jwt does not: exactly
     * three segments, each canonical base64url without padding (RFC 7515 2: no {@code =}, {@code +},
     * {@code /} or whitespace, and no unused bit set in the last character), so that a token has one
     * spelling; and a header and a payload that are each exactly one JSON object by
     * {@link StrictJson#isObject} (no duplicate name at any depth, so {@code "sub":"alice","sub":"admin"}
     * cannot mean whichever one the reader picks). The signature may be empty: it then fails to verify, and
     * {@code alg: none} is still refused for its algorithm.
     */
    private static boolean isStrictCompactForm(String token) {
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            return false;
        }
        byte[] header = canonicalBase64Url(token.substring(0, first));
        byte[] payload = canonicalBase64Url(token.substring(first + 1, second));
        return header != null && payload != null && canonicalBase64Url(token.substring(second + 1)) != null
                && StrictJson.isObject(header) && StrictJson.isObject(payload);
    }

    /** The bytes of a segment in canonical unpadded base64url, or null when it is anything else. */
    private static byte[] canonicalBase64Url(String segment) {
        // The JDK's URL decoder refuses every character outside the alphabet but '=', its padding.
        if (segment.indexOf('=') >= 0) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = BASE64URL.decode(segment);
        } catch (IllegalArgumentException e) {
            return null;
        }
        // The decoder ignores the unused low bits of the last character: a canonical segment has none set.
        return hasNoUnusedBitSet(segment) ? bytes : null;
    }

    /**
     * Whether the last character of a segment the decoder took sets none of the bits it leaves unused: 4 when the
     * segment's length is 2 more than a multiple of 4, 2 when it is 3 more (RFC 4648 3.5), none otherwise.
     */
    private static boolean hasNoUnusedBitSet(String segment) {
        int unusedBits = switch (segment.length() % 4) {
            case 2 -> 0x0F;
            case 3 -> 0x03;
            default -> 0;
        };
        return unusedBits == 0 || (sextet(segment.charAt(segment.length() - 1)) & unusedBits) == 0;
    }

    /** The 6-bit value of a base64url character (one the decoder already accepted). */
    private static int sextet(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }

    private void checkSignature(DecodedJWT jwt) throws InvalidTokenException {
        String alg = jwt.getAlgorithm();
        if (alg == null || !ALGORITHMS.contains(alg)) {
            throw new InvalidTokenException(Reason.ALGORITHM_NOT_ALLOWED);
        }
        String kid = jwt.getKeyId();
        KeySet now = keys.current();
        List<Algorithm> candidates = now.candidates(alg, kid);
        for (Algorithm candidate : candidates) {
            try {
                candidate.verify(jwt);
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
}
