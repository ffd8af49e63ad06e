package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TokenSigner}: every token it signs is verified by the node's own {@link JwtTokenVerifier} (the node's key
 * set and claim rules), and what the node would refuse is refused before anything is signed.
 */
class TokenSignerTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final byte[] SECRET_32 = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final TokenClaims ALICE = new TokenClaims("alice", List.of("chat:*"), List.of("chat:*"),
            Duration.ofHours(1), null, null, null);

    @TempDir
    Path dir;

    @Test
    void anHs256TokenIsWelcomedByTheNodesVerifierWithTheClaimsAsked() throws Exception {
        String token = TokenSigner.hmac(SECRET_32, "auth.hmacSecret", null, null).sign(ALICE, NOW);

        User user = verifier(VerificationKey.hmac("auth.hmacSecret", SECRET_32)).verify(token);

        assertEquals("alice", user.id());
        assertTrue(user.subscribe().allows("chat:lobby"));
        assertFalse(user.subscribe().allows("news"));
        assertTrue(user.publish().allows("chat:lobby"));
        assertEquals(NOW.plus(Duration.ofHours(1)), user.expiresAt());
        DecodedJWT jwt = JWT.decode(token);
        assertEquals("HS256", jwt.getAlgorithm());
        assertEquals(NOW, jwt.getIssuedAtAsInstant());
        assertNull(jwt.getKeyId());
        assertTrue(jwt.getClaim("info").isMissing());
    }

    @Test
    void hs384AndHs512NeedSecretsAsLongAsTheirHashAsTheNodeDoes() throws Exception {
        byte[] secret48 = "x".repeat(48).getBytes(StandardCharsets.US_ASCII);
        byte[] secret64 = "y".repeat(64).getBytes(StandardCharsets.US_ASCII);

        String hs384 = TokenSigner.hmac(secret48, "auth.hmacSecret", "HS384", null).sign(ALICE, NOW);
        String hs512 = TokenSigner.hmac(secret64, "auth.hmacSecret", "HS512", null).sign(ALICE, NOW);

        assertEquals("alice", verifier(VerificationKey.hmac("s", secret48)).verify(hs384).id());
        assertEquals("alice", verifier(VerificationKey.hmac("s", secret64)).verify(hs512).id());
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> TokenSigner.hmac(secret48, "auth.hmacSecret", "HS512", null));
        assertEquals("HS512 needs a secret of at least 64 bytes; auth.hmacSecret has 48", tooShort.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenSigner.hmac(SECRET_32, "auth.hmacSecret", "HS384", null));
        assertThrows(IllegalArgumentException.class, () -> TokenSigner.hmac(SECRET_32, "auth.hmacSecret", "RS256", null));
    }

    @Test
    void rsaKeysSignRs256ByDefaultAndRs384AndRs512WhenAsked() throws Exception {
        KeyPair keys = TestTokens.rsaKeyPair();
        Path file = privateKeyFile("rsa.pem", keys);
        VerificationKey publicKey = VerificationKey.rsa("rsa", "test", (RSAPublicKey) keys.getPublic(), null);

        for (String alg : List.of("RS256", "RS384", "RS512")) {
            TokenSigner signer = TokenSigner.privateKey(file, alg, null);
            assertEquals(alg, JWT.decode(signer.sign(ALICE, NOW)).getAlgorithm());
            assertEquals("alice", verifier(publicKey).verify(signer.sign(ALICE, NOW)).id());
        }
        assertEquals("RS256", TokenSigner.privateKey(file, null, null).alg());
        assertEquals(file.toString(), TokenSigner.privateKey(file, null, null).origin());
    }

    @Test
    void ecKeysSignTheOneAlgorithmOfTheirCurve() throws Exception {
        for (String curve : List.of("secp256r1", "secp384r1")) {
            KeyPair keys = TestTokens.ecKeyPair(curve);
            Path file = privateKeyFile(curve + ".pem", keys);
            String alg = curve.equals("secp256r1") ? "ES256" : "ES384";
            String other = curve.equals("secp256r1") ? "ES384" : "ES256";

            String token = TokenSigner.privateKey(file, null, "issuer-2030").sign(ALICE, NOW);

            assertEquals(alg, JWT.decode(token).getAlgorithm());
            assertEquals("issuer-2030", JWT.decode(token).getKeyId());
            VerificationKey publicKey = PemKeys.read(Files.writeString(dir.resolve("issuer-2030.pem"),
                    TestTokens.publicKeyPem(keys.getPublic())));
            assertEquals("alice", verifier(publicKey).verify(token).id());
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> TokenSigner.privateKey(file, other, null));
            assertEquals(file + ": an EC key, which signs " + alg + " and not " + other, wrong.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TokenSigner.privateKey(file, "RS256", null));
        }
    }

    @Test
    void theInfoClaimIsWrittenAsTheExactTextGivenAndTheNodeReadsIt() throws Exception {
        String info = "{\"name\":\"Zoë\",\"tags\":[\"a\",null],\"n\":12345678901234567890}";
        TokenClaims claims = new TokenClaims("alice", List.of(), List.of(), Duration.ofMinutes(5), info, null, null);

        String token = TokenSigner.hmac(SECRET_32, "auth.hmacSecret", null, null).sign(claims, NOW);

        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertTrue(payload.endsWith(",\"info\":" + info + "}"), payload);
        User user = verifier(VerificationKey.hmac("s", SECRET_32)).verify(token);
        assertEquals(info, user.info().toString());
    }

    @Test
    void issuerAudienceAndKidGoWhereTheNodeLooksForThem() throws Exception {
        TokenClaims claims = new TokenClaims("svc", List.of("*"), List.of(), Duration.ofDays(3650), null,
                "https://issuer.example", "crier");

        String token = TokenSigner.hmac(SECRET_32, "auth.hmacSecret", null, "k1").sign(claims, NOW);

        ClaimChecks checks = new ClaimChecks("https://issuer.example", "crier", Duration.ZERO, clock());
        User user = new JwtTokenVerifier(new KeySet(List.of(VerificationKey.hmac("s", SECRET_32))), checks,
                new SimpleMeterRegistry()).verify(token);
        assertEquals(NOW.plus(Duration.ofDays(3650)), user.expiresAt());
        assertEquals("k1", JWT.decode(token).getKeyId());
        assertTrue(JWT.decode(token).getClaim("publish").isMissing(), "no publish patterns: no claim");
    }

    @Test
    void refusesClaimsTheNodeWouldRefuseAndATokenLongerThanTheNodeReads() {
        TokenSigner signer = TokenSigner.hmac(SECRET_32, "auth.hmacSecret", null, null);
        TokenClaims badSub = new TokenClaims(" ", List.of(), List.of(), Duration.ofHours(1), null, null, null);
        List<String> many = Collections.nCopies(1200, "chat:room-0123");
        TokenClaims tooLong = new TokenClaims("alice", many, many, Duration.ofHours(1), null, null, null);

        assertThrows(IllegalArgumentException.class, () -> signer.sign(badSub, NOW));
        IllegalArgumentException tooLongRefused = assertThrows(IllegalArgumentException.class, () -> signer.sign(tooLong, NOW));
        assertTrue(tooLongRefused.getMessage().contains("nodes refuse tokens over " + JwtTokenVerifier.MAX_TOKEN_CHARS),
                tooLongRefused.getMessage());
    }

    @Test
    void describesItselfWithoutTheSecret() {
        String text = TokenSigner.hmac(SECRET_32, "auth.hmacSecret", "HS256", "k1").toString();

        assertEquals("TokenSigner[HS256 with auth.hmacSecret, kid k1]", text);
        assertFalse(text.contains(new String(SECRET_32, StandardCharsets.US_ASCII)));
    }

    private Path privateKeyFile(String name, KeyPair keys) throws Exception {
        return Files.writeString(dir.resolve(name), TestTokens.pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    }

    private static JwtTokenVerifier verifier(VerificationKey key) {
        return new JwtTokenVerifier(new KeySet(List.of(key)), new ClaimChecks(null, null, Duration.ZERO, clock()),
                new SimpleMeterRegistry());
    }

    private static Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }
}
