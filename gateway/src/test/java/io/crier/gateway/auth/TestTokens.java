package io.crier.gateway.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import java.nio.charset.StandardCharsets;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints JWTs for tests, with java-jwt (or by hand, for payloads java-jwt would refuse to write), so that
 * gateway tests can reach every branch of token verification: every accepted algorithm (with fresh key
 * pairs from {@link KeyPairGenerator}), {@code kid}, {@code iss}/{@code aud}, {@code alg: none} and the
 * algorithm-confusion token; plus the PEM and JWK forms of public keys for key-source tests.
 * Stateless and thread-safe.
 */
public final class TestTokens {

    private static final String DEFAULT_SECRET = "crier-test-secret-0123456789-abcdefghijklmnop";
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);

    private TestTokens() {
    }

    /** The secret the one-argument-short variants sign with: 45 bytes, a fresh copy each call. */
    public static byte[] secret() {
        return DEFAULT_SECRET.getBytes(StandardCharsets.UTF_8);
    }

    /** An HS256 token signed with {@link #secret()}, valid for one hour from now. */
    public static String hs256(String sub, List<String> subscribe, List<String> publish) {
        return hs256(secret(), sub, subscribe, publish, DEFAULT_TTL);
    }

    /**
     * An HS256 token with {@code exp = now + ttl} on the system clock (a negative ttl gives an expired
     * token). A {@code null} pattern list leaves that claim out.
     */
    public static String hs256(byte[] secret, String sub, List<String> subscribe, List<String> publish,
                               Duration ttl) {
        return hs256At(secret, Instant.now(), sub, subscribe, publish, ttl);
    }

    /** Like {@link #hs256(byte[], String, List, List, Duration)}, for a verifier with a fixed clock. */
    public static String hs256At(byte[] secret, Instant now, String sub, List<String> subscribe,
                                 List<String> publish, Duration ttl) {
        return claims(now, sub, subscribe, publish, ttl).sign(Algorithm.HMAC256(secret));
    }

    /**
     * An HS256 token whose payload is exactly {@code payloadJson}, signed by hand: claims of any type,
     * missing required claims, and so on.
     */
    public static String hs256Payload(byte[] secret, String payloadJson) {
        return hs256Raw(secret, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8),
                payloadJson.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A token whose header and payload are exactly these bytes (any bytes: a duplicate {@code alg}, a byte-order
     * mark, invalid UTF-8), HMAC-SHA256 signed with {@code secret}, so only the compact form is wrong.
     */
    public static String hs256Raw(byte[] secret, byte[] header, byte[] payload) {
        String signingInput = base64Url(header) + "." + base64Url(payload);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * {@code segment} (unpadded base64url of a length that leaves unused bits in its last character) with the
     * lowest of those bits set: another spelling of the same bytes, which a lenient decoder accepts.
     */
    public static String withUnusedBitSet(String segment) {
        if (segment.length() % 4 < 2) {
            throw new IllegalArgumentException("no unused bits in a segment of " + segment.length() + " characters");
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(segment.charAt(segment.length() - 1));
        return segment.substring(0, segment.length() - 1) + alphabet.charAt(last ^ 1);
    }

    /** An otherwise valid token signed with HS512 instead of HS256. */
    public static String hs512(byte[] secret, Instant now, String sub, Duration ttl) {
        return claims(now, sub, List.of("*"), List.of("*"), ttl).sign(Algorithm.HMAC512(secret));
    }

    /** An otherwise valid token signed with RS256 by a fresh RSA key. */
    public static String rs256(Instant now, String sub, Duration ttl) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Algorithm rsa = Algorithm.RSA256((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate());
            return claims(now, sub, List.of("*"), List.of("*"), ttl).sign(rsa);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is part of every JDK", e);
        }
    }

    /** An otherwise valid token with {@code "alg":"none"} and no signature. */
    public static String unsigned(Instant now, String sub, Duration ttl) {
        return claims(now, sub, List.of("*"), List.of("*"), ttl).sign(Algorithm.none());
    }

    /** A fresh 2048-bit RSA key pair. */
    public static KeyPair rsaKeyPair() {
        return keyPair("RSA", 2048);
    }

    /** A fresh EC key pair on P-256 ({@code secp256r1}, ES256) or P-384 ({@code secp384r1}, ES384). */
    public static KeyPair ecKeyPair(String standardCurveName) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(standardCurveName));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC " + standardCurveName + " is part of every JDK", e);
        }
    }

    /** The java-jwt signer for {@code alg} (RS256/384/512, ES256/384) with the private key of {@code keys}. */
    public static Algorithm signer(String alg, KeyPair keys) {
        if (alg.startsWith("RS")) {
            RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
            RSAPrivateKey priv = (RSAPrivateKey) keys.getPrivate();
            return switch (alg) {
                case "RS256" -> Algorithm.RSA256(pub, priv);
                case "RS384" -> Algorithm.RSA384(pub, priv);
                case "RS512" -> Algorithm.RSA512(pub, priv);
                default -> throw new IllegalArgumentException(alg);
            };
        }
        ECPublicKey pub = (ECPublicKey) keys.getPublic();
        ECPrivateKey priv = (ECPrivateKey) keys.getPrivate();
        return switch (alg) {
            case "ES256" -> Algorithm.ECDSA256(pub, priv);
            case "ES384" -> Algorithm.ECDSA384(pub, priv);
            default -> throw new IllegalArgumentException(alg);
        };
    }

    /** The java-jwt signer for HS256, HS384 or HS512 with {@code secret}. */
    public static Algorithm hmacSigner(String alg, byte[] secret) {
        return switch (alg) {
            case "HS256" -> Algorithm.HMAC256(secret);
            case "HS384" -> Algorithm.HMAC384(secret);
            case "HS512" -> Algorithm.HMAC512(secret);
            default -> throw new IllegalArgumentException(alg);
        };
    }

    /**
     * The claims of a valid token allowed every topic ({@code sub}, {@code iat = now},
     * {@code exp = now + ttl}), to complete ({@code withKeyId}, {@code withIssuer}, {@code withAudience})
     * and sign with {@link #signer} or {@link #hmacSigner}.
     */
    public static JWTCreator.Builder builder(Instant now, String sub, Duration ttl) {
        return claims(now, sub, List.of("*"), List.of("*"), ttl);
    }

    /** A token signed with {@code alg} (RS256/384/512, ES256/384) by {@code keys}, with {@code kid} when not null. */
    public static String signed(String alg, KeyPair keys, String kid, Instant now, String sub, Duration ttl) {
        return kid(builder(now, sub, ttl), kid).sign(signer(alg, keys));
    }

    /** An RS256/384/512 token signed by {@code keys}, with {@code kid} when not null. */
    public static String rsa(String alg, KeyPair keys, String kid, Instant now, String sub, Duration ttl) {
        return signed(alg, keys, kid, now, sub, ttl);
    }

    /** An ES256/384 token signed by {@code keys} (on the curve of the algorithm), with {@code kid} when not null. */
    public static String ec(String alg, KeyPair keys, String kid, Instant now, String sub, Duration ttl) {
        return signed(alg, keys, kid, now, sub, ttl);
    }

    /** An HS256 token with {@code iss} (when not null) and {@code aud} (a string for one value, else an array). */
    public static String hs256WithIssuerAndAudience(byte[] secret, Instant now, String sub, String issuer,
                                                    String... audience) {
        JWTCreator.Builder builder = builder(now, sub, Duration.ofMinutes(5)).withIssuer(issuer);
        if (audience.length > 0) {
            builder.withAudience(audience);
        }
        return builder.sign(Algorithm.HMAC256(secret));
    }

    /**
     * The algorithm-confusion attack: an HS256 token whose HMAC secret is the text of the RSA public key's
     * PEM file, which an attacker can read (a verifier that takes {@code alg} from the token and feeds it
     * the "key bytes" it has would accept it). {@code kid} is set when not null.
     */
    public static String algorithmConfusion(PublicKey publicKey, String kid, Instant now, String sub, Duration ttl) {
        byte[] pem = publicKeyPem(publicKey).getBytes(StandardCharsets.US_ASCII);
        return kid(builder(now, sub, ttl), kid).sign(Algorithm.HMAC256(pem));
    }

    /** Like {@link #algorithmConfusion}, with the key's DER encoding (SubjectPublicKeyInfo) as the secret. */
    public static String algorithmConfusionDer(PublicKey publicKey, String kid, Instant now, String sub,
                                               Duration ttl) {
        return kid(builder(now, sub, ttl), kid).sign(Algorithm.HMAC256(publicKey.getEncoded()));
    }

    /** The {@code -----BEGIN PUBLIC KEY-----} PEM text of a public key. */
    public static String publicKeyPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /** A PEM block with this label around {@code der}, 64 base64 characters a line. */
    public static String pem(String label, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
    }

    /** The JWK (RFC 7517) of an RSA or EC public key, with {@code kid} and, when not null, {@code alg}. */
    public static String jwk(String kid, PublicKey key, String alg) {
        String common = "\"kid\":\"" + kid + "\",\"use\":\"sig\"" + (alg == null ? "" : ",\"alg\":\"" + alg + "\"");
        if (key instanceof RSAPublicKey rsa) {
            return "{\"kty\":\"RSA\"," + common + ",\"n\":\"" + base64Url(minimalBytes(rsa.getModulus()))
                    + "\",\"e\":\"" + base64Url(minimalBytes(rsa.getPublicExponent())) + "\"}";
        }
        ECPublicKey ec = (ECPublicKey) key;
        int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        String crv = size == 32 ? "P-256" : "P-384";
        return "{\"kty\":\"EC\"," + common + ",\"crv\":\"" + crv + "\",\"x\":\""
                + base64Url(fixed(ec.getW().getAffineX().toByteArray(), size)) + "\",\"y\":\""
                + base64Url(fixed(ec.getW().getAffineY().toByteArray(), size)) + "\"}";
    }

    /** A JWKS document holding these JWKs. */
    public static String jwks(String... jwks) {
        return Arrays.stream(jwks).collect(Collectors.joining(",", "{\"keys\":[", "]}"));
    }

    private static JWTCreator.Builder kid(JWTCreator.Builder builder, String kid) {
        return kid == null ? builder : builder.withKeyId(kid);
    }

    /** The minimal big-endian bytes of a positive integer, as JWK wants them (no sign byte). */
    private static byte[] minimalBytes(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static KeyPair keyPair(String type, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(type + " is part of every JDK", e);
        }
    }

    /** A big-endian unsigned integer in exactly {@code size} bytes (BigInteger adds or drops a sign byte). */
    private static byte[] fixed(byte[] bigEndian, int size) {
        byte[] out = new byte[size];
        int copy = Math.min(size, bigEndian.length);
        System.arraycopy(bigEndian, bigEndian.length - copy, out, size - copy, copy);
        return out;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static JWTCreator.Builder claims(Instant now, String sub, List<String> subscribe,
                                             List<String> publish, Duration ttl) {
        JWTCreator.Builder builder = JWT.create().withSubject(sub).withIssuedAt(now).withExpiresAt(now.plus(ttl));
        if (subscribe != null) {
            builder.withArrayClaim("subscribe", subscribe.toArray(String[]::new));
        }
        if (publish != null) {
            builder.withArrayClaim("publish", publish.toArray(String[]::new));
        }
        return builder;
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
