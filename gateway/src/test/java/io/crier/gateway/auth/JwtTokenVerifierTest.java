package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class JwtTokenVerifierTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final long NOW_SECONDS = NOW.getEpochSecond();

    private final byte[] secret = TestTokens.secret();
    private final JwtTokenVerifier verifier = new JwtTokenVerifier(secret, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void acceptsValidTokenAndReadsItsClaims() throws InvalidTokenException {
        String token = TestTokens.hs256At(secret, NOW, "alice", List.of("news", "chat:*"), List.of("chat:*"),
                Duration.ofMinutes(10));

        User user = verifier.verify(token);

        assertEquals("alice", user.id());
        assertEquals(NOW.plus(Duration.ofMinutes(10)), user.expiresAt());
        assertTrue(user.subscribe().allows("news"));
        assertTrue(user.subscribe().allows("chat:lobby"));
        assertFalse(user.publish().allows("news"));
        assertTrue(user.publish().allows("chat:lobby"));
    }

    @Test
    void absentPatternClaimsAllowNothing() throws InvalidTokenException {
        User user = verifier.verify(TestTokens.hs256At(secret, NOW, "bob", null, null, Duration.ofMinutes(1)));

        assertFalse(user.subscribe().allows("news"));
        assertFalse(user.publish().allows("news"));
    }

    @Test
    void refusesExpiredToken() {
        String token = TestTokens.hs256At(secret, NOW.minusSeconds(120), "alice", null, null, Duration.ofMinutes(1));

        assertRefused("expired", token);
    }

    @Test
    void refusesTokenExpiringThisVerySecondBecauseThereIsNoLeeway() {
        assertRefused("expired", payload("{\"sub\":\"alice\",\"exp\":" + NOW_SECONDS + "}"));
    }

    @Test
    void acceptsTokenExpiringOneSecondFromNow() throws InvalidTokenException {
        assertEquals("alice", verifier.verify(payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 1) + "}")).id());
    }

    @Test
    void refusesTokenWhoseNotBeforeIsInTheFuture() {
        assertRefused("not valid yet (nbf is in the future)",
                payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"nbf\":" + (NOW_SECONDS + 5) + "}"));
    }

    @Test
    void acceptsTokenWhoseNotBeforeHasPassed() throws InvalidTokenException {
        String token = payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"nbf\":" + (NOW_SECONDS - 5) + "}");

        assertEquals("alice", verifier.verify(token).id());
    }

    @Test
    void refusesTokenSignedWithAnotherSecret() {
        byte[] other = "another-secret-that-is-long-enough-for-hs256".getBytes(StandardCharsets.UTF_8);

        assertRefused("bad signature", TestTokens.hs256At(other, NOW, "alice", null, null, Duration.ofMinutes(1)));
    }

    @Test
    void refusesTokenWhosePayloadWasChanged() {
        String token = TestTokens.hs256At(secret, NOW, "alice", List.of("news"), null, Duration.ofMinutes(1));
        String forged = payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"subscribe\":[\"*\"]}");
        String[] original = token.split("\\.");
        String[] changed = forged.split("\\.");

        assertRefused("bad signature", original[0] + "." + changed[1] + "." + original[2]);
    }

    @Test
    void refusesUnsignedTokenWithAlgNone() {
        assertRefused("algorithm not allowed (only HS256)", TestTokens.unsigned(NOW, "alice", Duration.ofMinutes(1)));
    }

    @Test
    void refusesTokenSignedWithHs512EvenWithTheRightSecret() {
        assertRefused("algorithm not allowed (only HS256)", TestTokens.hs512(secret, NOW, "alice", Duration.ofMinutes(1)));
    }

    @Test
    void refusesTokenSignedWithRs256() {
        assertRefused("algorithm not allowed (only HS256)", TestTokens.rs256(NOW, "alice", Duration.ofMinutes(1)));
    }

    @Test
    void refusesTokenWithoutSub() {
        assertRefused("missing sub", payload("{\"exp\":" + (NOW_SECONDS + 60) + "}"));
    }

    @Test
    void refusesTokenWithBlankSub() {
        assertRefused("sub is blank", payload("{\"sub\":\"  \",\"exp\":" + (NOW_SECONDS + 60) + "}"));
    }

    @Test
    void refusesTokenWhoseSubIsNotAString() {
        assertRefused("sub is not a string", payload("{\"sub\":42,\"exp\":" + (NOW_SECONDS + 60) + "}"));
    }

    @Test
    void refusesTokenWithSubLongerThan256Characters() {
        String sub = "u".repeat(257);

        assertRefused("sub is longer than 256 characters",
                payload("{\"sub\":\"" + sub + "\",\"exp\":" + (NOW_SECONDS + 60) + "}"));
    }

    @Test
    void refusesTokenWithoutExp() {
        assertRefused("missing exp", payload("{\"sub\":\"alice\"}"));
    }

    @Test
    void refusesTokenWhoseExpIsNotANumber() {
        assertRefused("malformed token", payload("{\"sub\":\"alice\",\"exp\":\"tomorrow\"}"));
    }

    @Test
    void refusesSubscribeClaimThatIsAStringInsteadOfAnArray() {
        assertRefused("subscribe is not an array of strings",
                payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"subscribe\":\"news\"}"));
    }

    @Test
    void refusesPublishClaimHoldingNumbers() {
        assertRefused("publish is not an array of strings",
                payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"publish\":[1,2]}"));
    }

    @Test
    void refusesPatternClaimThatIsNull() {
        assertRefused("subscribe is not an array of strings",
                payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"subscribe\":null}"));
    }

    @Test
    void refusesPatternClaimHoldingAnObject() {
        assertRefused("publish is not an array of strings",
                payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"publish\":[\"a\",{\"b\":1}]}"));
    }

    @Test
    void refusesGarbageAndEmptyTokens() {
        assertRefused("malformed token", "not-a-jwt");
        assertRefused("malformed token", "a.b.c");
        assertRefused("missing token", "");
    }

    @Test
    void refusesSecretShorterThan32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new JwtTokenVerifier(new byte[31], Clock.systemUTC()));
    }

    private String payload(String json) {
        return TestTokens.hs256Payload(secret, json);
    }

    private void assertRefused(String reason, String token) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        assertEquals(reason, e.getMessage());
    }
}
