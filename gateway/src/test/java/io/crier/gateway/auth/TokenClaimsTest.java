package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TokenClaims#problems()}: what a node would refuse, each named by its claim; nothing else. */
class TokenClaimsTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void acceptsWhatTheNodeAccepts() {
        assertEquals(List.of(), claims("alice", List.of("chat:*", "news", "*"), HOUR, null).problems());
        assertEquals(List.of(), claims("Zoë Ω 🙂 <script>", List.of(), Duration.ofSeconds(1), "null").problems());
        assertEquals(List.of(), claims("x".repeat(256), List.of(), TokenClaims.MAX_TTL, "{\"a\":[1,{\"b\":2}]}")
                .problems());
    }

    @Test
    void refusesEverySubTheNodeRefuses() {
        for (String sub : List.of("", " \t", "x".repeat(257), "a\u0000b", "a\u001bb", "a\u007fb", "a\u0085b",
                "a\u2028b", "a\u2029b", "a\ud800b", "a\udc00")) {
            List<String> problems = claims(sub, List.of(), HOUR, null).problems();
            assertEquals(1, problems.size(), sub);
            assertTrue(problems.get(0).startsWith("sub: must be 1 to 256 characters"), problems.get(0));
        }
        assertEquals(List.of("sub: required: the user the token is for"), claims(null, List.of(), HOUR, null).problems());
    }

    @Test
    void refusesEveryPatternTheNodeNeverMatchesAndShowsOnlyPrintableOnes() {
        TokenClaims claims = new TokenClaims("alice", List.of("chat:**", "ok:*"), List.of("", "a\u001b[2Jb*"), HOUR,
                null, null, null);

        List<String> problems = claims.problems();

        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("subscribe: pattern chat:** is neither a topic name nor a prefix"),
                problems.get(0));
        assertTrue(problems.get(1).startsWith("publish: pattern 1 (not shown"), problems.get(1));
        assertTrue(problems.get(2).startsWith("publish: pattern 2 (not shown"), problems.get(2));
        assertTrue(problems.stream().noneMatch(p -> p.indexOf('\u001b') >= 0), "no terminal control is echoed");
    }

    @Test
    void refusesATtlOutsideOneSecondToAHundredYearsOrNotInWholeSeconds() {
        assertEquals(List.of("ttl: must be at least 1s: a token with no lifetime has expired when it is made"),
                claims("a", List.of(), Duration.ZERO, null).problems());
        assertEquals(1, claims("a", List.of(), Duration.ofMillis(999), null).problems().size());
        assertEquals(1, claims("a", List.of(), null, null).problems().size());
        assertEquals(List.of("ttl: must be whole seconds (exp is a number of seconds)"),
                claims("a", List.of(), Duration.ofMillis(1500), null).problems());
        assertEquals(List.of("ttl: must be at most 36500d (about a hundred years)"),
                claims("a", List.of(), TokenClaims.MAX_TTL.plusSeconds(1), null).problems());
    }

    @Test
    void refusesAnInfoThatIsNotExactlyOneStrictJsonValue() {
        for (String info : List.of("", "{name:1}", "{'a':1}", "{\"a\":1,\"a\":2}", "1,\"sub\":\"admin\"", "{} {}",
                "NaN", "\"unterminated")) {
            List<String> problems = claims("a", List.of(), HOUR, info).problems();
            assertEquals(1, problems.size(), info);
            assertTrue(problems.get(0).startsWith("info: must be one JSON value"), problems.get(0));
        }
    }

    @Test
    void refusesAnInfoNestedDeeperThanTheNodeReadsAPayload() {
        String sixtyThree = "[".repeat(63) + "]".repeat(63);
        String sixtyFour = "[".repeat(64) + "]".repeat(64);

        assertEquals(List.of(), claims("a", List.of(), HOUR, sixtyThree).problems());
        assertEquals(List.of("info: nested deeper than nodes read a token's payload (the payload itself is one level)"),
                claims("a", List.of(), HOUR, sixtyFour).problems());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        TokenClaims claims = new TokenClaims("", List.of("a b"), List.of("c*d"), Duration.ZERO, "{", null, null);

        List<String> problems = claims.problems();

        assertEquals(5, problems.size(), problems.toString());
        assertEquals(List.of("sub", "subscribe", "publish", "ttl", "info"),
                problems.stream().map(p -> p.substring(0, p.indexOf(':'))).toList());
    }

    private static TokenClaims claims(String sub, List<String> subscribe, Duration ttl, String info) {
        return new TokenClaims(sub, subscribe, List.of(), ttl, info, null, null);
    }
}
