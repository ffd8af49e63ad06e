package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.crier.gateway.config.AuthConfig;
import io.crier.gateway.config.ConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verifier built from {@code auth.*} as the config loader reads it, with every key source at once. */
class TokenVerifierFactoryTest {

    private static final Duration TTL = Duration.ofMinutes(5);
    private static final String PREVIOUS = "the-previous-secret-still-accepted-while-rotating";

    @TempDir
    Path dir;

    @Test
    void combinesSecretsPemFilesAndTheJwksAndChecksIssuerAndAudience() throws Exception {
        KeyPair pemKeys = TestTokens.rsaKeyPair();
        KeyPair jwksKeys = TestTokens.ecKeyPair("secp384r1");
        Path pem = Files.writeString(dir.resolve("backend-1.pem"), TestTokens.publicKeyPem(pemKeys.getPublic()),
                StandardCharsets.US_ASCII);
        try (JwksServer jwks = JwksServer.start(TestTokens.jwks(TestTokens.jwk("idp-1", jwksKeys.getPublic(), null)));
             JwtTokenVerifier verifier = TokenVerifierFactory.create(auth(Map.of(
                     "CRIER_AUTH_HMAC_SECRET_PREVIOUS", PREVIOUS,
                     "CRIER_AUTH_PUBLIC_KEY_FILES", pem.toString(),
                     "CRIER_AUTH_JWKS_URL", jwks.uri().toString(),
                     "CRIER_AUTH_ISSUER", "https://idp.example",
                     "CRIER_AUTH_AUDIENCE", "crier")), Clock.systemUTC(), new SimpleMeterRegistry())) {
            Instant now = Instant.now();

            assertEquals("hs", verifier.verify(sign(TestTokens.builder(now, "hs", TTL), TestTokens.hmacSigner("HS256",
                    TestTokens.secret()))).id());
            assertEquals("old", verifier.verify(sign(TestTokens.builder(now, "old", TTL), TestTokens.hmacSigner("HS256",
                    PREVIOUS.getBytes(StandardCharsets.UTF_8)))).id());
            assertEquals("pem", verifier.verify(sign(TestTokens.builder(now, "pem", TTL).withKeyId("backend-1"),
                    TestTokens.signer("RS256", pemKeys))).id());
            assertEquals("idp", verifier.verify(sign(TestTokens.builder(now, "idp", TTL).withKeyId("idp-1"),
                    TestTokens.signer("ES384", jwksKeys))).id());
            assertEquals(Reason.WRONG_AUDIENCE, assertThrows(InvalidTokenException.class, () -> verifier.verify(
                    TestTokens.builder(now, "x", TTL).withIssuer("https://idp.example").withAudience("other")
                            .sign(TestTokens.hmacSigner("HS256", TestTokens.secret())))).reason());
            assertEquals(4, verifier.keys().size());
        }
    }

    @Test
    void appliesTheConfiguredLeeway() throws Exception {
        try (JwtTokenVerifier verifier = TokenVerifierFactory.create(auth(Map.of("CRIER_AUTH_CLOCK_LEEWAY", "30s")),
                Clock.systemUTC(), new SimpleMeterRegistry())) {
            String expiredTenSecondsAgo = TestTokens.hs256(TestTokens.secret(), "late", null, null, Duration.ofSeconds(-10));

            assertEquals("late", verifier.verify(expiredTenSecondsAgo).id());
        }
    }

    @Test
    void aBadKeyFileStopsStartupNamingTheFile() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.pem"), "not a key\n", StandardCharsets.US_ASCII);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenVerifierFactory.create(
                auth(Map.of("CRIER_AUTH_PUBLIC_KEY_FILES", bad.toString())), Clock.systemUTC(), new SimpleMeterRegistry()));

        assertTrue(e.getMessage().contains("bad.pem"), e.getMessage());
    }

    @Test
    void refusesDevelopmentModeWhichHasItsOwnVerifier() {
        AuthConfig dev = new ConfigLoader().load(null, Map.of()).auth();

        assertThrows(IllegalArgumentException.class,
                () -> TokenVerifierFactory.create(dev, Clock.systemUTC(), new SimpleMeterRegistry()));
    }

    private static String sign(JWTCreator.Builder builder, Algorithm algorithm) {
        return builder.withIssuer("https://idp.example").withAudience("crier").sign(algorithm);
    }

    private static AuthConfig auth(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of("CRIER_AUTH_HMAC_SECRET",
                new String(TestTokens.secret(), StandardCharsets.UTF_8)));
        env.putAll(overrides);
        return new ConfigLoader().load(null, env).auth();
    }
}
