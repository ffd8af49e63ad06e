package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The single-secret verifier (development mode and tests): signature, times, sub and pattern claims. */
class JwtTokenVerifierTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final long NOW_SECONDS = NOW.getEpochSecond();

    private final byte[] secret = TestTokens.secret();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final JwtTokenVerifier verifier = new JwtTokenVerifier(secret, Clock.fixed(NOW, ZoneOffset.UTC), meters);

    @Test
    void theFailuresMeterAllowsExactlyTheReasonsTagsSoNoReasonIsCountedAsAnother() {
        Set<String> tags = Arrays.stream(Reason.values()).map(Reason::tag).collect(Collectors.toSet());
        assertEquals(tags, MeterCatalog.AUTH_FAILURES.tags().get("reason"));
        assertEquals(Reason.values().length, tags.size(), "one tag per reason");
    }

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
    void usersWithTheSameClaimShareItsPatterns() throws InvalidTokenException {
        User alice = verifier.verify(TestTokens.hs256At(secret, NOW, "alice", List.of("news"), List.of("chat:*"),
                Duration.ofMinutes(10)));
        User bob = verifier.verify(TestTokens.hs256At(secret, NOW, "bob", List.of("news"), List.of("chat:*"),
                Duration.ofMinutes(10)));

        assertSame(alice.subscribe(), bob.subscribe());
        assertSame(alice.publish(), bob.publish());
        assertTrue(bob.subscribe().allows("news"));
        assertFalse(bob.subscribe().allows("chat:lobby"));
        assertTrue(bob.publish().allows("chat:lobby"));
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

        assertRefused(Reason.EXPIRED, token);
    }

    @Test
    void refusesTokenExpiringThisVerySecondBecauseThereIsNoLeeway() {
        assertRefused(Reason.EXPIRED, payload("{\"sub\":\"alice\",\"exp\":" + NOW_SECONDS + "}"));
    }

    @Test
    void acceptsTokenExpiringOneSecondFromNow() throws InvalidTokenException {
        assertEquals("alice", verifier.verify(payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 1) + "}")).id());
    }

    @Test
    void refusesTokenWhoseNotBeforeIsInTheFuture() {
        assertRefused(Reason.NOT_YET_VALID,
                payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"nbf\":" + (NOW_SECONDS + 5) + "}"));
    }

    @Test
    void acceptsTokenWhoseNotBeforeHasPassed() throws InvalidTokenException {
        String token = payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"nbf\":" + (NOW_SECONDS - 5) + "}");

        assertEquals("alice", verifier.verify(token).id());
    }

    @Test
    void refusesTokenIssuedInTheFuture() {
        assertRefused(Reason.ISSUED_IN_FUTURE,
                payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"iat\":" + (NOW_SECONDS + 5) + "}"));
    }

    @Test
    void refusesTokenSignedWithAnotherSecret() {
        byte[] other = "another-secret-that-is-long-enough-for-hs256".getBytes(StandardCharsets.UTF_8);

        assertRefused(Reason.BAD_SIGNATURE, TestTokens.hs256At(other, NOW, "alice", null, null, Duration.ofMinutes(1)));
    }

    @Test
    void refusesTokenWhosePayloadWasChanged() {
        String token = TestTokens.hs256At(secret, NOW, "alice", List.of("news"), null, Duration.ofMinutes(1));
        String forged = payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"subscribe\":[\"*\"]}");
        String[] original = token.split("\\.");
        String[] changed = forged.split("\\.");

        assertRefused(Reason.BAD_SIGNATURE, original[0] + "." + changed[1] + "." + original[2]);
    }

    @Test
    void refusesUnsignedTokenWithAlgNone() {
        assertRefused(Reason.ALGORITHM_NOT_ALLOWED, TestTokens.unsigned(NOW, "alice", Duration.ofMinutes(1)));
    }

    @Test
    void refusesHs512WhenTheSecretIsShorterThan64Bytes() {
        assertEquals(45, secret.length);

        assertRefused(Reason.UNKNOWN_KEY, TestTokens.hs512(secret, NOW, "alice", Duration.ofMinutes(1)));
    }

    @Test
    void refusesRs256WhenOnlyASecretIsConfigured() {
        assertRefused(Reason.UNKNOWN_KEY, TestTokens.rs256(NOW, "alice", Duration.ofMinutes(1)));
    }

    @Test
    void refusesTokenWithoutSub() {
        assertRefused(Reason.MISSING_SUB, payload("{\"exp\":" + (NOW_SECONDS + 60) + "}"));
    }

    @Test
    void refusesTokenWithBlankSub() {
        assertRefused(Reason.INVALID_SUB, payload("{\"sub\":\"  \",\"exp\":" + (NOW_SECONDS + 60) + "}"));
    }

    @Test
    void refusesTokenWhoseSubIsNotAString() {
        assertRefused(Reason.INVALID_SUB, payload("{\"sub\":42,\"exp\":" + (NOW_SECONDS + 60) + "}"));
    }

    @Test
    void refusesTokenWithSubLongerThan256Characters() {
        String sub = "u".repeat(257);

        assertRefused(Reason.INVALID_SUB, payload("{\"sub\":\"" + sub + "\",\"exp\":" + (NOW_SECONDS + 60) + "}"));
    }

    @Test
    void refusesTokenWhoseSubHoldsAControlCharacterALineSeparatorOrAnUnpairedSurrogate() {
        // JSON escapes in the payload: each sub holds the raw character once decoded.
        for (String bad : List.of("\\u0000", "\\t", "\\n", "\\r", "\\u001b", "\\u007f", "\\u0085", "\\u009f",
                "\\u2028", "\\u2029", "\\ud800", "\\udc00")) {
            String token = payload("{\"sub\":\"alice" + bad + "admin\",\"exp\":" + (NOW_SECONDS + 60) + "}");
            assertEquals(Reason.INVALID_SUB, assertThrows(InvalidTokenException.class, () -> verifier.verify(token),
                    bad).reason(), bad);
        }
    }

    @Test
    void acceptsASubWithSpacesNonAsciiLettersEmojiAndBidiControls() throws InvalidTokenException {
        String sub = "Alice Smith \u00e9t\u00e9 \u65b0\u95fb \ud83d\ude00 \u202e";

        assertEquals(sub, verifier.verify(payload("{\"sub\":\"" + sub + "\",\"exp\":" + (NOW_SECONDS + 60) + "}"))
                .id());
    }

    @Test
    void refusesTokenWithoutExp() {
        assertRefused(Reason.MISSING_EXP, payload("{\"sub\":\"alice\"}"));
    }

    @Test
    void refusesTokenWhoseExpIsNotANumber() {
        assertRefused(Reason.MALFORMED, payload("{\"sub\":\"alice\",\"exp\":\"tomorrow\"}"));
    }

    @Test
    void refusesSubscribeClaimThatIsAStringInsteadOfAnArray() {
        assertRefused(Reason.INVALID_SUBSCRIBE,
                payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"subscribe\":\"news\"}"));
    }

    @Test
    void refusesPublishClaimHoldingNumbers() {
        assertRefused(Reason.INVALID_PUBLISH,
                payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"publish\":[1,2]}"));
    }

    @Test
    void readsTheTopicsClaimOnceEachInOrderAndTheJtiAndIat() throws InvalidTokenException {
        User user = verifier.verify(payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"iat\":"
                + NOW_SECONDS + ",\"jti\":\"t-1\",\"topics\":[\"orders:42\",\"news\",\"orders:42\"]}"));

        assertEquals(List.of("orders:42", "news"), user.topics());
        assertEquals("t-1", user.tokenId());
        assertEquals(NOW_SECONDS, user.issuedAt().getEpochSecond());
        assertEquals(List.of(), verifier.verify(payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + "}"))
                .topics());
    }

    @Test
    void refusesATopicsClaimThatIsNotAnArrayOfValidTopicNamesOrTooLong() {
        String head = "{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"topics\":";
        assertRefused(Reason.INVALID_TOPICS, payload(head + "\"news\"}"));
        assertRefused(Reason.INVALID_TOPICS, payload(head + "null}"));
        assertRefused(Reason.INVALID_TOPICS, payload(head + "[\"news\",1]}"));
        assertRefused(Reason.INVALID_TOPICS, payload(head + "[\"chat:*\"]}"));
        assertRefused(Reason.INVALID_TOPICS, payload(head + "[\"\"]}"));
        String tooMany = java.util.stream.IntStream.rangeClosed(0, ClaimChecks.MAX_TOPICS_CLAIM)
                .mapToObj(i -> "\"t" + i + "\"").collect(Collectors.joining(","));
        assertRefused(Reason.INVALID_TOPICS, payload(head + "[" + tooMany + "]}"));
    }

    @Test
    void refusesPatternClaimThatIsNull() {
        assertRefused(Reason.INVALID_SUBSCRIBE,
                payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"subscribe\":null}"));
    }

    @Test
    void refusesPatternClaimHoldingAnObject() {
        assertRefused(Reason.INVALID_PUBLISH,
                payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"publish\":[\"a\",{\"b\":1}]}"));
    }

    @Test
    void refusesGarbageEmptyAndOversizedTokens() {
        assertRefused(Reason.MALFORMED, "not-a-jwt");
        assertRefused(Reason.MALFORMED, "a.b.c");
        assertRefused(Reason.MISSING_TOKEN, "");
        assertRefused(Reason.MISSING_TOKEN, null);
        assertRefused(Reason.MALFORMED, "a".repeat(JwtTokenVerifier.MAX_TOKEN_CHARS + 1));
    }

    @Test
    void refusesTokenThatMarksAHeaderExtensionAsCritical() {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"HS256\",\"crit\":[\"exp2\"],\"exp2\":1}".getBytes(StandardCharsets.UTF_8));
        String[] valid = TestTokens.hs256At(secret, NOW, "alice", null, null, Duration.ofMinutes(1)).split("\\.");

        assertRefused(Reason.MALFORMED, header + "." + valid[1] + "." + valid[2]);
    }

    @Test
    void refusesAPayloadWithADuplicateClaimInsteadOfLettingTheLastOneWin() {
        assertRefused(Reason.MALFORMED,
                payload("{\"sub\":\"alice\",\"sub\":\"admin\",\"exp\":" + (NOW_SECONDS + 60) + "}"));
        assertRefused(Reason.MALFORMED, payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60)
                + ",\"subscribe\":[\"news\"],\"subscribe\":[\"*\"]}"));
    }

    @Test
    void refusesADuplicateAtAnyDepthOfTheInfoClaim() {
        assertRefused(Reason.MALFORMED, payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60)
                + ",\"info\":{\"role\":\"user\",\"role\":\"admin\"}}"));
        assertRefused(Reason.MALFORMED, payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60)
                + ",\"info\":[{\"a\":{\"b\":1,\"b\":2}}]}"));
    }

    @Test
    void refusesAHeaderWithADuplicateAlg() {
        assertRefused(Reason.MALFORMED, raw("{\"alg\":\"none\",\"alg\":\"HS256\"}", validClaims()));
        assertRefused(Reason.MALFORMED, raw("{\"alg\":\"HS256\",\"kid\":\"a\",\"kid\":\"b\"}", validClaims()));
    }

    @Test
    void refusesASignatureSpelledWithPadding() {
        String token = payload(validClaims());

        assertRefused(Reason.MALFORMED, token + "=");
        assertRefused(Reason.MALFORMED, token + "==");
    }

    @Test
    void refusesASegmentWhoseUnusedBitsAreSetSoThatEveryTokenHasOneSpelling() {
        String[] valid = payload(validClaims()).split("\\.");
        String otherSpelling = TestTokens.withUnusedBitSet(valid[2]);
        Base64.Decoder decoder = Base64.getUrlDecoder();
        assertTrue(Arrays.equals(decoder.decode(valid[2]), decoder.decode(otherSpelling)),
                "the JDK decoder reads both spellings as the same signature");

        assertRefused(Reason.MALFORMED, valid[0] + "." + valid[1] + "." + otherSpelling);
    }

    @Test
    void refusesASegmentWithACharacterOutsideBase64Url() {
        String[] valid = payload(validClaims()).split("\\.");
        String head = valid[0] + "." + valid[1] + ".";

        for (String token : List.of(head + "+" + valid[2].substring(1), head + "/" + valid[2].substring(1),
                head + valid[2] + "\n", head + " " + valid[2], " " + head + valid[2],
                valid[0] + "=." + valid[1] + "." + valid[2], valid[0] + "." + valid[1] + "\t." + valid[2],
                head + valid[2].substring(0, 20) + "\u00e9" + valid[2].substring(21))) {
            assertRefused(Reason.MALFORMED, token);
        }
    }

    @Test
    void refusesATokenOfTwoOrFourSegmentsOrWithAnEmptyHeaderOrPayload() {
        String[] valid = payload(validClaims()).split("\\.");

        assertRefused(Reason.MALFORMED, valid[0] + "." + valid[1]);
        assertRefused(Reason.MALFORMED, valid[0] + "." + valid[1] + "." + valid[2] + "." + valid[2]);
        assertRefused(Reason.MALFORMED, valid[0] + "." + valid[1] + "." + valid[2] + ".");
        assertRefused(Reason.MALFORMED, "." + valid[1] + "." + valid[2]);
        assertRefused(Reason.MALFORMED, valid[0] + ".." + valid[2]);
        assertRefused(Reason.MALFORMED, "..");
    }

    @Test
    void anEmptySignatureIsWellFormedButNeverVerifies() {
        String[] valid = payload(validClaims()).split("\\.");

        assertRefused(Reason.BAD_SIGNATURE, valid[0] + "." + valid[1] + ".");
    }

    @Test
    void refusesAHeaderOrPayloadThatIsNotExactlyOneJsonObject() {
        String claims = validClaims();

        assertRefused(Reason.MALFORMED, raw("[{\"alg\":\"HS256\"}]", claims));
        assertRefused(Reason.MALFORMED, raw("\"HS256\"", claims));
        assertRefused(Reason.MALFORMED, payload("[" + claims + "]"));
        assertRefused(Reason.MALFORMED, payload("null"));
        assertRefused(Reason.MALFORMED, payload(claims + " {}"));
        assertRefused(Reason.MALFORMED, payload(claims + "x"));
        assertRefused(Reason.MALFORMED, raw("{\"alg\":\"HS256\"} {}", claims));
    }

    @Test
    void refusesAByteOrderMarkInvalidUtf8OrANulByte() {
        byte[] header = "{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8);
        byte[] claims = validClaims().getBytes(StandardCharsets.UTF_8);
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

        assertRefused(Reason.MALFORMED, TestTokens.hs256Raw(secret, header, concat(bom, claims)));
        assertRefused(Reason.MALFORMED, TestTokens.hs256Raw(secret, concat(bom, header), claims));
        byte[] notUtf8 = ("{\"sub\":\"al\u00ffice\",\"exp\":" + (NOW_SECONDS + 60) + "}")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertRefused(Reason.MALFORMED, TestTokens.hs256Raw(secret, header, notUtf8));
        byte[] nul = ("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + ",\"x\":\"\u0000\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertRefused(Reason.MALFORMED, TestTokens.hs256Raw(secret, header, nul));
    }

    @Test
    void refusesNestingDeeperThanEveryOtherJsonTheNodeReads() throws InvalidTokenException {
        // The payload object is one level; frames allow 64 (StrictJson.MAX_NESTING_DEPTH), counting the envelope.
        String deepest = "[".repeat(63) + "]".repeat(63);
        String tooDeep = "[".repeat(64) + "]".repeat(64);

        assertEquals("alice", verifier.verify(payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60)
                + ",\"info\":" + deepest + "}")).id());
        assertRefused(Reason.MALFORMED, payload("{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60)
                + ",\"info\":" + tooDeep + "}"));
    }

    @Test
    void acceptsWhitespaceInAndAroundTheJsonAsRfc7515Does() throws InvalidTokenException {
        String header = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
        String claims = "\n{ \"sub\" : \"alice\",\r\n \"exp\" : " + (NOW_SECONDS + 60) + " }\t";

        assertEquals("alice", verifier.verify(raw(header, claims)).id());
    }

    @Test
    void countsMalformedCompactFormsAsMalformed() {
        assertRefused(Reason.MALFORMED, payload(validClaims()) + "=");
        assertRefused(Reason.MALFORMED, raw("{\"alg\":\"HS256\",\"alg\":\"HS256\"}", validClaims()));

        assertEquals(2.0, meters.get("crier.auth.failures").tag("reason", "malformed").counter().count());
    }

    @Test
    void countsEveryRefusalByItsReasonAndNothingElse() {
        assertRefused(Reason.EXPIRED, payload("{\"sub\":\"alice\",\"exp\":" + NOW_SECONDS + "}"));
        assertRefused(Reason.EXPIRED, payload("{\"sub\":\"bob\",\"exp\":" + (NOW_SECONDS - 9) + "}"));
        assertRefused(Reason.ALGORITHM_NOT_ALLOWED, TestTokens.unsigned(NOW, "alice", Duration.ofMinutes(1)));

        assertEquals(2.0, meters.get("crier.auth.failures").tag("reason", "expired").counter().count());
        assertEquals(1.0, meters.get("crier.auth.failures").tag("reason", "algorithm").counter().count());
        assertEquals(0.0, meters.get("crier.auth.failures").tag("reason", "bad_signature").counter().count());
        assertEquals(Reason.values().length, meters.find("crier.auth.failures").counters().size(),
                "one counter per fixed reason, none per token");
    }

    @Test
    void refusesSecretShorterThan32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new JwtTokenVerifier(new byte[31], Clock.systemUTC()));
    }

    private String validClaims() {
        return "{\"sub\":\"alice\",\"exp\":" + (NOW_SECONDS + 60) + "}";
    }

    private String raw(String header, String payload) {
        return TestTokens.hs256Raw(secret, header.getBytes(StandardCharsets.UTF_8),
                payload.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private String payload(String json) {
        return TestTokens.hs256Payload(secret, json);
    }

    private void assertRefused(Reason reason, String token) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        assertEquals(reason, e.reason());
        assertEquals(reason.text(), e.getMessage());
    }
}
