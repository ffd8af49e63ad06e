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
    void anExpiredTokenThatBreaksAnotherRuleIsRefusedForThatRuleSoExpiredAlwaysMeansAFreshOneWouldDo() {
        JwtTokenVerifier verifier = verifier("https://issuer.example", "crier");
        long past = T - 600;

        assertRefused(Reason.WRONG_ISSUER, verifier, payload("{\"sub\":\"a\",\"exp\":" + past
                + ",\"iss\":\"https://evil.example\",\"aud\":\"crier\"}"));
        assertRefused(Reason.WRONG_AUDIENCE, verifier, payload("{\"sub\":\"a\",\"exp\":" + past
                + ",\"iss\":\"https://issuer.example\",\"aud\":\"billing\"}"));
        assertRefused(Reason.MISSING_SUB, verifier(Duration.ZERO), payload("{\"exp\":" + past + "}"));
        assertRefused(Reason.INVALID_SUBSCRIBE, verifier(Duration.ZERO),
                payload("{\"sub\":\"a\",\"exp\":" + past + ",\"subscribe\":\"*\"}"));
        assertRefused(Reason.NOT_YET_VALID, verifier(Duration.ZERO),
                payload("{\"sub\":\"a\",\"exp\":" + past + ",\"nbf\":" + (T + 60) + "}"));
        assertRefused(Reason.EXPIRED, verifier, payload("{\"sub\":\"a\",\"exp\":" + past
                + ",\"iss\":\"https://issuer.example\",\"aud\":\"crier\"}"));
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
    void refusesAnAudienceArrayHoldingSomethingElseThanStrings() {
        JwtTokenVerifier verifier = verifier("", "crier");
        String exp = "\"sub\":\"a\",\"exp\":" + (T + 60);

        assertRefused(Reason.WRONG_AUDIENCE, verifier, payload("{" + exp + ",\"aud\":[\"crier\",1]}"));
        assertRefused(Reason.WRONG_AUDIENCE, verifier, payload("{" + exp + ",\"aud\":[\"crier\",null]}"));
        assertRefused(Reason.WRONG_AUDIENCE, verifier, payload("{" + exp + ",\"aud\":{\"crier\":1}}"));
        // java-jwt itself refuses an object or an array inside the array while it decodes the payload.
        assertRefused(Reason.MALFORMED, verifier, payload("{" + exp + ",\"aud\":[\"crier\",{}]}"));
        assertRefused(Reason.MALFORMED, verifier, payload("{" + exp + ",\"aud\":[[\"crier\"]]}"));
    }

    @Test
    void refusesAnIssuerThatIsNotAString() {
        JwtTokenVerifier verifier = verifier("5", "");
        String exp = "\"sub\":\"a\",\"exp\":" + (T + 60);

        assertRefused(Reason.WRONG_ISSUER, verifier, payload("{" + exp + ",\"iss\":5}"));
        assertRefused(Reason.WRONG_ISSUER, verifier, payload("{" + exp + ",\"iss\":[\"5\"]}"));
    }

    @Test
    void ignoresIssuerAndAudienceWhenNoneIsConfigured() throws InvalidTokenException {
        assertEquals("a", verifier("", "").verify(TestTokens.hs256WithIssuerAndAudience(secret, NOW, "a",
                "https://anyone.example", "anything")).id());
    }

    @Test
    void acceptsAnExpCenturiesAheadAsItIs() throws InvalidTokenException {
        assertEquals(Instant.ofEpochSecond(12_000_000_000L),
                verifier(LEEWAY).verify(payload("{\"sub\":\"a\",\"exp\":12000000000}")).expiresAt());
        assertEquals(Instant.ofEpochSecond(12_000_000_000L),
                verifier(LEEWAY).verify(payload("{\"sub\":\"a\",\"exp\":1.2e10}")).expiresAt());
    }

    @Test
    void acceptsAnExpAtTheLastSecondAnInstantHoldsWhateverTheLeeway() throws InvalidTokenException {
        long last = Instant.MAX.getEpochSecond();
        String token = payload("{\"sub\":\"a\",\"exp\":" + last + ",\"nbf\":" + (T - 1) + ",\"iat\":" + (T - 1) + "}");

        assertEquals(Instant.ofEpochSecond(last), verifier(LEEWAY).verify(token).expiresAt());
        assertEquals(Instant.ofEpochSecond(last), verifier(Duration.ZERO).verify(token).expiresAt());
    }

    @Test
    void refusesAsMalformedANumericDateBeyondWhatAnInstantHolds() {
        for (String value : List.of(Long.toString(Long.MAX_VALUE), Long.toString(Long.MIN_VALUE),
                Long.toString(Instant.MAX.getEpochSecond() + 1), Long.toString(Instant.MIN.getEpochSecond() - 1),
                "1e300", "-1e300", "99999999999999999999999")) {
            assertRefused(Reason.MALFORMED, verifier(LEEWAY), payload("{\"sub\":\"a\",\"exp\":" + value + "}"));
            assertRefused(Reason.MALFORMED, verifier(LEEWAY),
                    payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ",\"nbf\":" + value + "}"));
            assertRefused(Reason.MALFORMED, verifier(LEEWAY),
                    payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ",\"iat\":" + value + "}"));
        }
    }

    @Test
    void refusesAsMalformedANumericDateThatIsNotANumber() {
        for (String value : List.of("\"12000000000\"", "true", "[1]", "{\"s\":1}")) {
            assertRefused(Reason.MALFORMED, verifier(LEEWAY), payload("{\"sub\":\"a\",\"exp\":" + value + "}"));
            assertRefused(Reason.MALFORMED, verifier(LEEWAY),
                    payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ",\"nbf\":" + value + "}"));
        }
    }

    @Test
    void aNullExpIsMissingAndANullNotBeforeOrIssuedAtIsAbsent() throws InvalidTokenException {
        assertRefused(Reason.MISSING_EXP, verifier(LEEWAY), payload("{\"sub\":\"a\",\"exp\":null}"));
        assertEquals("a", verifier(LEEWAY).verify(
                payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ",\"nbf\":null,\"iat\":null}")).id());
    }

    @Test
    void dropsTheFractionOfAFractionalNumericDate() throws InvalidTokenException {
        assertEquals(Instant.ofEpochSecond(T + 60),
                verifier(Duration.ZERO).verify(payload("{\"sub\":\"a\",\"exp\":" + (T + 60) + ".9}")).expiresAt());
        assertRefused(Reason.EXPIRED, verifier(Duration.ZERO), payload("{\"sub\":\"a\",\"exp\":" + T + ".9}"));
        assertRefused(Reason.EXPIRED, verifier(Duration.ZERO), payload("{\"sub\":\"a\",\"exp\":1.5e9}"));
    }

    @Test
    void refusesAsExpiredAnExpAtOrBeforeTheEpoch() {
        for (String value : List.of("0", "-1", "-0", Long.toString(Instant.MIN.getEpochSecond()))) {
            assertRefused(Reason.EXPIRED, verifier(LEEWAY), payload("{\"sub\":\"a\",\"exp\":" + value + "}"));
        }
    }

    @Test
    void aNotBeforeOrIssuedAtAtEitherEndOfTimeIsJudgedWithoutOverflow() throws InvalidTokenException {
        long first = Instant.MIN.getEpochSecond();
        long last = Instant.MAX.getEpochSecond();
        String exp = "{\"sub\":\"a\",\"exp\":" + (T + 60);

        assertEquals("a", verifier(LEEWAY).verify(payload(exp + ",\"nbf\":" + first + ",\"iat\":" + first + "}")).id());
        assertRefused(Reason.NOT_YET_VALID, verifier(LEEWAY), payload(exp + ",\"nbf\":" + last + "}"));
        assertRefused(Reason.ISSUED_IN_FUTURE, verifier(LEEWAY), payload(exp + ",\"iat\":" + last + "}"));
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
