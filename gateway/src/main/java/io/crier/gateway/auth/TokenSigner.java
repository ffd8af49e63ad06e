package io.crier.gateway.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Signs tokens that nodes accept, with an HMAC secret (HS256/384/512, bound to the secret's length as
 * {@link VerificationKey} binds it) or a private key read by {@link PrivateKeys} (RS256/384/512, or the ES
 * algorithm of the key's curve), after checking the claims by the node's rules ({@link TokenClaims#problems()}).
 * The {@code info} claim goes into the payload as the exact JSON text given. Never logs anything.
 *
 * <p>Immutable and thread-safe.
 */
public final class TokenSigner {

    /** The algorithms a signer can be made for: those nodes verify. */
    public static final List<String> ALGORITHMS =
            List.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384");

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final Algorithm algorithm;
    private final String alg;
    private final String keyId;
    private final String origin;

    private TokenSigner(Algorithm algorithm, String alg, String keyId, String origin) {
        this.algorithm = algorithm;
        this.alg = alg;
        this.keyId = keyId == null || keyId.isEmpty() ? null : keyId;
        this.origin = origin;
    }

    /**
     * A signer with an HMAC secret.
     *
     * @param secret the secret's bytes (copied), at least as long as {@code alg}'s hash
     * @param origin where the secret comes from, for messages (e.g. {@code auth.hmacSecret}); never the secret
     * @param alg    HS256, HS384 or HS512; {@code null} means HS256
     * @param keyId  the {@code kid} header, or {@code null}
     * @throws IllegalArgumentException when {@code alg} is not an HMAC algorithm or the secret is too short for it
     */
    public static TokenSigner hmac(byte[] secret, String origin, String alg, String keyId) {
        String chosen = alg == null ? "HS256" : alg;
        if (!chosen.startsWith("HS") || !ALGORITHMS.contains(chosen)) {
            throw new IllegalArgumentException("alg " + chosen + " is not HS256, HS384 or HS512: it needs a private key");
        }
        int needed = VerificationKey.minHmacSecretBytes(chosen);
        if (secret.length < needed) {
            throw new IllegalArgumentException(chosen + " needs a secret of at least " + needed + " bytes; " + origin
                    + " has " + secret.length);
        }
        Algorithm algorithm = VerificationKey.hmac(origin, secret).algorithm(chosen);
        return new TokenSigner(algorithm, chosen, keyId, origin);
    }

    /**
     * A signer with the private key in a PKCS#8 PEM file.
     *
     * @param file  the file
     * @param alg   RS256, RS384 or RS512 for an RSA key, the ES algorithm of its curve for an EC key; {@code null}
     *              means RS256 or that ES algorithm
     * @param keyId the {@code kid} header, or {@code null}
     * @throws IllegalArgumentException when the file cannot be read, holds no usable key, or {@code alg} does not
     *                                  fit the key
     */
    public static TokenSigner privateKey(Path file, String alg, String keyId) {
        PrivateKey key = PrivateKeys.read(file);
        List<String> fits = PrivateKeys.algorithms(key);
        String chosen = alg == null ? fits.get(0) : alg;
        if (!fits.contains(chosen)) {
            throw new IllegalArgumentException(file + ": an " + key.getAlgorithm() + " key, which signs "
                    + String.join(", ", fits) + " and not " + chosen);
        }
        Algorithm algorithm = switch (chosen) {
            case "RS256" -> Algorithm.RSA256(null, (RSAPrivateKey) key);
            case "RS384" -> Algorithm.RSA384(null, (RSAPrivateKey) key);
            case "RS512" -> Algorithm.RSA512(null, (RSAPrivateKey) key);
            case "ES256" -> Algorithm.ECDSA256(null, (ECPrivateKey) key);
            default -> Algorithm.ECDSA384(null, (ECPrivateKey) key);
        };
        return new TokenSigner(algorithm, chosen, keyId, file.toString());
    }

    /** The JWS algorithm this signer writes in the header. */
    public String alg() {
        return alg;
    }

    /** Where the key comes from: the config key of the secret, or the private key's file. */
    public String origin() {
        return origin;
    }

    /**
     * A signed token with {@code claims}: {@code iat} is {@code now}, {@code exp} is {@code now} plus the ttl (both
     * in whole seconds).
     *
     * @throws IllegalArgumentException when the claims have a problem or the token would be longer than nodes read
     */
    public String sign(TokenClaims claims, Instant now) {
        List<String> problems = claims.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        JWTCreator.Builder builder = JWT.create().withSubject(claims.subject()).withIssuedAt(now)
                .withExpiresAt(now.plus(claims.ttl()));
        if (keyId != null) {
            builder.withKeyId(keyId);
        }
        if (!claims.subscribe().isEmpty()) {
            builder.withArrayClaim("subscribe", claims.subscribe().toArray(String[]::new));
        }
        if (!claims.publish().isEmpty()) {
            builder.withArrayClaim("publish", claims.publish().toArray(String[]::new));
        }
        if (!claims.issuer().isEmpty()) {
            builder.withIssuer(claims.issuer());
        }
        if (!claims.audience().isEmpty()) {
            builder.withAudience(claims.audience());
        }
        String token = builder.sign(algorithm);
        if (claims.info() != null) {
            token = withInfo(token, claims.info());
        }
        if (token.length() > JwtTokenVerifier.MAX_TOKEN_CHARS) {
            throw new IllegalArgumentException("the token would be " + token.length() + " characters; nodes refuse"
                    + " tokens over " + JwtTokenVerifier.MAX_TOKEN_CHARS + " (fewer patterns, or a smaller info)");
        }
        return token;
    }

    /**
     * The token with {@code "info":<info>} added to its payload, signed again. java-jwt would parse the JSON into
     * Java values and write them back (a number beyond a double becomes the text "Infinity"); this keeps the
     * text. {@link TokenClaims#problems()} has checked that {@code info} is exactly one strict JSON value, so it
     * ends where it should, and java-jwt's payload is a non-empty object (sub, iat, exp), so it ends in
     * {@code }} and takes a comma.
     */
    private String withInfo(String token, String info) {
        int firstDot = token.indexOf('.');
        int secondDot = token.indexOf('.', firstDot + 1);
        String header = token.substring(0, firstDot);
        String payload = new String(Base64.getUrlDecoder().decode(token.substring(firstDot + 1, secondDot)),
                StandardCharsets.UTF_8);
        String withInfo = payload.substring(0, payload.length() - 1) + ",\"info\":" + info + "}";
        String encoded = BASE64URL.encodeToString(withInfo.getBytes(StandardCharsets.UTF_8));
        byte[] signature = algorithm.sign(header.getBytes(StandardCharsets.US_ASCII),
                encoded.getBytes(StandardCharsets.US_ASCII));
        return header + "." + encoded + "." + BASE64URL.encodeToString(signature);
    }

    @Override
    public String toString() {
        return "TokenSigner[" + alg + " with " + origin + (keyId == null ? "" : ", kid " + keyId) + "]";
    }
}
