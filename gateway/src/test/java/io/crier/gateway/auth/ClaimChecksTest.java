package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Claim rules with a fixed clock: exp/nbf/iat with and without leeway, sub and exp presence, iss and aud. */
class ClaimChecksTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final long T = NOW.getEpochSecond();
    private static final Duration LEEWAY = Duration.ofSeconds(5);

    private final byte[] secret = TestTokens.secret();

    @Test
    void leewayAcceptsATokenThatExpiredWithinIt() throws InvalidTokenException {
        String expiredFourSecondsAgo = payload("{\"sub\":\"a\",\"exp\":" + (T - 4) + "}");

        assertEquals(Instant.ofEpochSecond(T - 4), verifier(LEEWAY).verify(expiredFourSecondsAgo).expiresAt());
        assertRefused(Reason.EXPIRED, verifier(Duration.ZERO), expiredFourSecondsAgo);
    }

    @Test
    void leewayRefusesATokenThatExpiredAsLongAgoAsTheLeeway() {
        assertRefused(Reason.EXPIRED, verifier(LEEWAY), payload("{\"sub\":\"a\",\"exp\":" + (T - 5) + "}"));
    }

    @Test
    void leewayAcceptsANotBeforeWithinItAndRefusesOneBeyond() throws InvalidTokenException {
        String nbfInFiveSeconds = payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ",\"nbf\":" + (T + 5) + "}");
        String nbfInSixSeconds = payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ",\"nbf\":" + (T + 6) + "}");

        assertEquals("a", verifier(LEEWAY).verify(nbfInFiveSeconds).id());
        assertRefused(Reason.NOT_YET_VALID, verifier(LEEWAY), nbfInSixSeconds);
        assertRefused(Reason.NOT_YET_VALID, verifier(Duration.ZERO), nbfInFiveSeconds);
    }

    @Test
    void leewayAppliesToIssuedAtToo() throws InvalidTokenException {
        String iatInThreeSeconds = payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ",\"iat\":" + (T + 3) + "}");

        assertEquals("a", verifier(LEEWAY).verify(iatInThreeSeconds).id());
        assertRefused(Reason.ISSUED_IN_FUTURE, verifier(Duration.ZERO), iatInThreeSeconds);
    }

    @Test
    void refusesMissingSubAndMissingExpWhateverTheLeeway() {
        assertRefused(Reason.MISSING_SUB, verifier(LEEWAY), payload("{\"exp\":" + (T + 60) + "}"));
        assertRefused(Reason.MISSING_SUB, verifier(LEEWAY), payload("{\"sub\":null,\"exp\":" + (T + 60) + "}"));
        assertRefused(Reason.MISSING_EXP, verifier(LEEWAY), payload("{\"sub\":\"a\"}"));
    }

    @Test
    void acceptsTheConfiguredIssuerAndAudience() throws InvalidTokenException {
        JwtTokenVerifier verifier = verifier("https://issuer.example", "crier");

        assertEquals("a", verifier.verify(TestTokens.hs256WithIssuerAndAudience(secret, NOW, "a",
                "https://issuer.example", "crier")).id());
    }

    @Test
    void acceptsAnAudienceArrayThatHoldsTheConfiguredAudience() throws InvalidTokenException {
        JwtTokenVerifier verifier = verifier("https://issuer.example", "crier");

        assertEquals("a", verifier.verify(TestTokens.hs256WithIssuerAndAudience(secret, NOW, "a",
                "https://issuer.example", "billing", "crier")).id());
    }

    @Test
    void refusesAnotherOrAMissingIssuer() {
        JwtTokenVerifier verifier = verifier("https://issuer.example", "");

        assertRefused(Reason.WRONG_ISSUER, verifier,
                TestTokens.hs256WithIssuerAndAudience(secret, NOW, "a", "https://evil.example"));
        assertRefused(Reason.WRONG_ISSUER, verifier, TestTokens.hs256WithIssuerAndAudience(secret, NOW, "a", null));
    }

    @Test
    void refusesAnotherOrAMissingAudience() {
        JwtTokenVerifier verifier = verifier("", "crier");

        assertRefused(Reason.WRONG_AUDIENCE, verifier,
                TestTokens.hs256WithIssuerAndAudience(secret, NOW, "a", null, "billing"));
        assertRefused(Reason.WRONG_AUDIENCE, verifier,
                TestTokens.hs256WithIssuerAndAudience(secret, NOW, "a", null, "billing", "crier-admin"));
        assertRefused(Reason.WRONG_AUDIENCE, verifier, TestTokens.hs256WithIssuerAndAudience(secret, NOW, "a", null));
    }

    @Test
    void ignoresIssuerAndAudienceWhenNoneIsConfigured() throws InvalidTokenException {
        assertEquals("a", verifier("", "").verify(TestTokens.hs256WithIssuerAndAudience(secret, NOW, "a",
                "https://anyone.example", "anything")).id());
    }

    @Test
    void refusesANegativeLeeway() {
        assertThrows(IllegalArgumentException.class,
                () -> new ClaimChecks(null, null, Duration.ofSeconds(-1), Clock.systemUTC()));
    }

    private JwtTokenVerifier verifier(Duration leeway) {
        return verifier(new ClaimChecks(null, null, leeway, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private JwtTokenVerifier verifier(String issuer, String audience) {
        return verifier(new ClaimChecks(issuer, audience, Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private JwtTokenVerifier verifier(ClaimChecks claims) {
        return new JwtTokenVerifier(new KeySet(List.of(VerificationKey.hmac("test", secret))), claims,
                new SimpleMeterRegistry());
    }

    private String payload(String json) {
        return TestTokens.hs256Payload(secret, json);
    }

    private static void assertRefused(Reason reason, JwtTokenVerifier verifier, String token) {
        assertEquals(reason, assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).reason());
    }
}
