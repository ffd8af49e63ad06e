package io.crier.gateway.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints JWTs for tests, with java-jwt (or by hand, for payloads java-jwt would refuse to write), so that
 * gateway tests can reach every branch of token verification. Stateless and thread-safe.
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
        String signingInput = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + base64Url(payloadJson);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
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
