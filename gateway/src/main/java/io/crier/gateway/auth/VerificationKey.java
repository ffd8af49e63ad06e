package io.crier.gateway.auth;

import com.auth0.jwt.algorithms.Algorithm;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One key that client tokens may be signed with, bound to the algorithms its type allows: an HMAC secret
 * to HS256 (and HS384/HS512 when it is long enough), an RSA public key to RS256/384/512, an EC public key
 * to the one ES algorithm of its curve. The token's {@code alg} header only picks among these, so a token
 * can never make an RSA or EC public key serve as an HMAC secret (algorithm confusion).
 *
 * <p>Immutable and thread-safe.
 */
final class VerificationKey {

    /** The smallest RSA modulus accepted, in bits (NIST SP 800-131A). */
    static final int MIN_RSA_BITS = 2048;

    private static final Set<String> RSA_ALGORITHMS = Set.of("RS256", "RS384", "RS512");

    private final String kid;
    private final String origin;
    private final Map<String, Algorithm> algorithms;

    private VerificationKey(String kid, String origin, Map<String, Algorithm> algorithms) {
        this.kid = kid;
        this.origin = Objects.requireNonNull(origin, "origin");
        // Sorted, so that logs list the algorithms in a stable order.
        this.algorithms = Collections.unmodifiableMap(new TreeMap<>(algorithms));
    }

    /**
     * An HMAC secret, without a kid. RFC 7518 (section 3.2) wants a key at least as long as the hash, so
     * a secret of 32 bytes allows HS256, of 48 bytes HS384 too, and of 64 bytes HS512 too.
     *
     * @throws IllegalArgumentException when the secret is shorter than 32 bytes
     */
    static VerificationKey hmac(String origin, byte[] secret) {
        Map<String, Algorithm> algorithms = new LinkedHashMap<>();
        algorithms.put("HS256", HmacKeys.hs256(secret));
        if (secret.length >= minHmacSecretBytes("HS384")) {
            algorithms.put("HS384", HmacAlgorithm.hs384(secret.clone()));
        }
        if (secret.length >= minHmacSecretBytes("HS512")) {
            algorithms.put("HS512", HmacAlgorithm.hs512(secret.clone()));
        }
        return new VerificationKey(null, origin, algorithms);
    }

    /**
     * The shortest secret, in bytes, that may sign and verify {@code alg} (HS256, HS384 or HS512): as long as
     * the hash.
     *
     * @throws IllegalArgumentException for any other algorithm
     */
    static int minHmacSecretBytes(String alg) {
        return switch (alg) {
            case "HS256" -> HmacKeys.MIN_SECRET_BYTES;
            case "HS384" -> 48;
            case "HS512" -> 64;
            default -> throw new IllegalArgumentException("not an HMAC algorithm: " + alg);
        };
    }

    /**
     * An RSA public key for RS256, RS384 and RS512, or only for {@code onlyAlgorithm} when it is given.
     *
     * @throws IllegalArgumentException when the modulus is under 2048 bits or the algorithm is not RSxxx
     */
    static VerificationKey rsa(String kid, String origin, RSAPublicKey key, String onlyAlgorithm) {
        if (key.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException("RSA key shorter than " + MIN_RSA_BITS + " bits");
        }
        if (onlyAlgorithm != null && !RSA_ALGORITHMS.contains(onlyAlgorithm)) {
            throw new IllegalArgumentException("alg " + onlyAlgorithm + " does not fit an RSA key");
        }
        Map<String, Algorithm> algorithms = new LinkedHashMap<>();
        algorithms.put("RS256", Algorithm.RSA256(key, null));
        algorithms.put("RS384", Algorithm.RSA384(key, null));
        algorithms.put("RS512", Algorithm.RSA512(key, null));
        if (onlyAlgorithm != null) {
            algorithms.keySet().retainAll(Set.of(onlyAlgorithm));
        }
        return new VerificationKey(kid, origin, algorithms);
    }

    /**
     * An EC public key, for the algorithm of its curve: ES256 on P-256, ES384 on P-384.
     *
     * @throws IllegalArgumentException when the curve is another one, the point is not on it, or
     *                                  {@code onlyAlgorithm} does not fit it
     */
    static VerificationKey ec(String kid, String origin, ECPublicKey key, String onlyAlgorithm) {
        String algorithm = EcCurves.algorithmOf(key.getParams());
        if (!EcCurves.onCurve(key.getW(), key.getParams())) {
            throw new IllegalArgumentException("EC point not on the curve");
        }
        if (onlyAlgorithm != null && !onlyAlgorithm.equals(algorithm)) {
            throw new IllegalArgumentException("alg " + onlyAlgorithm + " does not fit this key's curve ("
                    + algorithm + ")");
        }
        Algorithm verifier = "ES256".equals(algorithm) ? Algorithm.ECDSA256(key, null) : Algorithm.ECDSA384(key, null);
        return new VerificationKey(kid, origin, Map.of(algorithm, verifier));
    }

    /** The key id, or {@code null} (HMAC secrets and JWKs without one). */
    String kid() {
        return kid;
    }

    /** Where the key comes from, for logs: a config key, a file, the JWKS. */
    String origin() {
        return origin;
    }

    /** The verifier for {@code alg} with this key, or {@code null} when this key may not sign with it. */
    Algorithm algorithm(String alg) {
        return algorithms.get(alg);
    }

    /** The algorithms this key may sign with. */
    Set<String> algorithms() {
        return algorithms.keySet();
    }

    @Override
    public String toString() {
        return "VerificationKey[kid=" + kid + ", origin=" + origin + ", algorithms=" + algorithms.keySet() + "]";
    }
}
