package io.crier.gateway.badinput;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.crier.gateway.auth.TestTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The node's RSA key (its public half written as a PEM file for {@code auth.publicKeyFiles}) and the
 * tokens an attacker would try against it: a token HS256-signed with the public key's PEM bytes as the
 * secret (algorithm confusion), tokens with any header and payload, signed by hand, and other spellings of
 * a valid token (a padded signature, a signature with an unused bit set). Immutable after construction and
 * thread-safe.
 */
public final class HostileTokens {

    /** A header naming {@code alg} twice: a lenient reader takes the last, {@code HS256}. */
    public static final String HEADER_WITH_DUPLICATE_ALG = "{\"alg\":\"none\",\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private final KeyPair rsa;
    private final Path publicKeyFile;
    private final String kid;

    private HostileTokens(KeyPair rsa, Path publicKeyFile, String kid) {
        this.rsa = rsa;
        this.publicKeyFile = publicKeyFile;
        this.kid = kid;
    }

    /** A fresh RSA-2048 key whose public half is written to {@code dir/kid.pem}. */
    public static HostileTokens create(Path dir, String kid) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Path file = dir.resolve(kid + ".pem");
        Files.writeString(file, pem(pair), StandardCharsets.US_ASCII);
        return new HostileTokens(pair, file, kid);
    }

    /** The PEM file of the public key, for {@code auth.publicKeyFiles}. */
    public Path publicKeyFile() {
        return publicKeyFile;
    }

    /** A valid RS256 token by the configured key, with its {@code kid}, allowed every topic. */
    public String rs256(String sub, Duration ttl) {
        Algorithm algorithm = Algorithm.RSA256((RSAPublicKey) rsa.getPublic(), (RSAPrivateKey) rsa.getPrivate());
        Instant now = Instant.now();
        return JWT.create().withKeyId(kid).withSubject(sub).withIssuedAt(now).withExpiresAt(now.plus(ttl))
                .withArrayClaim("subscribe", new String[] {"*"}).withArrayClaim("publish", new String[] {"*"})
                .sign(algorithm);
    }

    /**
     * The algorithm-confusion token: header {@code {"alg":"HS256","kid":<the RSA key's kid>}}, HMAC-SHA256
     * signed with the bytes of the public key's PEM file, which a verifier that lets the token pick the
     * algorithm would take for a shared secret.
     */
    public String algorithmConfusion(String sub) throws IOException {
        byte[] secret = Files.readAllBytes(publicKeyFile);
        return hs256(secret, "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}", claims(sub));
    }

    /** Claims valid for five minutes from now, allowing every topic. */
    public static String claims(String sub) {
        long now = Instant.now().getEpochSecond();
        return "{\"sub\":\"" + sub + "\",\"iat\":" + now + ",\"exp\":" + (now + 300)
                + ",\"subscribe\":[\"*\"],\"publish\":[\"*\"]}";
    }

    /**
     * Claims valid for five minutes from now with {@code sub} twice, {@code sub} then {@code impostor}: a
     * lenient reader logs the token in as the impostor.
     */
    public static String claimsWithDuplicateSub(String sub, String impostor) {
        return "{\"sub\":\"" + sub + "\"," + claims(impostor).substring(1);
    }

    /**
     * Claims allowing every topic whose {@code exp} is {@code expJson}, any JSON text: {@code 12000000000}
     * (a never-expiring service token, accepted), {@code 9223372036854775807} or {@code 1e300} (beyond what
     * an instant holds, malformed), {@code "12000000000"} (a string, malformed), {@code 1.5e9} (long past).
     */
    public static String claimsExpiringAt(String sub, String expJson) {
        return "{\"sub\":\"" + sub + "\",\"exp\":" + expJson + ",\"subscribe\":[\"*\"],\"publish\":[\"*\"]}";
    }

    /** {@code token} with {@code =} padding after its signature: another spelling a lenient decoder accepts. */
    public static String withPaddedSignature(String token) {
        return token + "=";
    }

    /**
     * {@code token} with the lowest unused bit of its signature's last character set: another spelling of the
     * same signature bytes (for HS256's 43 characters, and every signature whose length is not a multiple of 4).
     */
    public static String withUnusedBitSet(String token) {
        int dot = token.lastIndexOf('.');
        return token.substring(0, dot + 1) + TestTokens.withUnusedBitSet(token.substring(dot + 1));
    }

    /** {@code header.payload.signature}, HMAC-SHA256 over the first two with {@code secret}. */
    public static String hs256(byte[] secret, String headerJson, String payloadJson) {
        String signingInput = base64Url(headerJson) + "." + base64Url(payloadJson);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** An unsigned token: header {@code {"alg":"none"}}, the payload, and an empty signature. */
    public static String unsigned(String payloadJson) {
        return base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + base64Url(payloadJson) + ".";
    }

    private static String pem(KeyPair pair) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPublic().getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
