package io.crier.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link TokenToolOptions}: the command line as the README shows it, its other spellings, and each mistake named. */
class TokenToolOptionsTest {

    private static final String OPTIONS = "the options are --sub --subscribe --publish --ttl --info --iss --aud --kid"
            + " --alg --key --config --help";

    @Test
    void readsTheReadmeCommand() {
        TokenToolOptions options = TokenToolOptions.parse("--sub", "alice", "--subscribe", "chat:*", "--publish",
                "chat:*", "--ttl", "1h");

        assertEquals(List.of(), options.problems());
        assertEquals("alice", options.sub());
        assertEquals(List.of("chat:*"), options.subscribe());
        assertEquals(List.of("chat:*"), options.publish());
        assertEquals(Duration.ofHours(1), options.ttl());
        assertEquals("1h", options.ttlText());
        assertFalse(options.help());
    }

    @Test
    void patternsMayBeRepeatedAndCommaSeparatedWithBlanksAroundTheCommas() {
        TokenToolOptions options = TokenToolOptions.parse("--sub", "a", "--subscribe", "chat:*, news", "--subscribe",
                "room:42", "--publish=chat:*,presence:*");

        assertEquals(List.of("chat:*", "news", "room:42"), options.subscribe());
        assertEquals(List.of("chat:*", "presence:*"), options.publish());
    }

    @Test
    void keepsEmptyPatternsForTheClaimRulesToRefuse() {
        assertEquals(List.of("a", "", ""), TokenToolOptions.parse("--subscribe", "a,,").subscribe());
    }

    @Test
    void readsEveryOptionInBothSpellings() {
        TokenToolOptions options = TokenToolOptions.parse("--sub=svc", "--ttl=3650d", "--info", "{\"name\":\"A\"}",
                "--iss", "https://issuer", "--aud=crier", "--kid", "k1", "--alg", "ES256", "--key", "keys/signing.pem",
                "--config=crier.properties");

        assertEquals(List.of(), options.problems());
        assertEquals("svc", options.sub());
        assertEquals(Duration.ofDays(3650), options.ttl());
        assertEquals("{\"name\":\"A\"}", options.info());
        assertEquals("https://issuer", options.iss());
        assertEquals("crier", options.aud());
        assertEquals("k1", options.kid());
        assertEquals("ES256", options.alg());
        assertEquals(Path.of("keys/signing.pem"), options.key());
        assertEquals(Path.of("crier.properties"), options.config());
    }

    @Test
    void theTtlDefaultsToOneHourAndTakesTheNodesDurationSyntax() {
        assertEquals(Duration.ofHours(1), TokenToolOptions.parse("--sub", "a").ttl());
        assertEquals(Duration.ofSeconds(30), TokenToolOptions.parse("--ttl", "30s").ttl());
        assertEquals(Duration.ofDays(7), TokenToolOptions.parse("--ttl", "7d").ttl());
        TokenToolOptions bad = TokenToolOptions.parse("--ttl", "1 hour");
        assertNull(bad.ttl());
        assertEquals(List.of("--ttl: not a duration: 1 hour (use e.g. 30s, 15m, 1h, 7d)"), bad.problems());
        assertEquals(Set.of("--ttl"), bad.faulty());
    }

    @Test
    void namesAnUnknownOptionAndListsTheOptions() {
        assertEquals(List.of("unknown option --user; " + OPTIONS), TokenToolOptions.parse("--user", "alice").problems()
                .subList(0, 1));
        assertEquals(List.of("unknown option -s; " + OPTIONS), TokenToolOptions.parse("-s").problems());
        assertEquals(List.of("unknown option --bogus; " + OPTIONS), TokenToolOptions.parse("--bogus=1").problems());
        assertEquals(List.of("unexpected argument alice; " + OPTIONS), TokenToolOptions.parse("alice").problems());
    }

    @Test
    void namesAMissingValueAndAnOptionGivenTwice() {
        TokenToolOptions options = TokenToolOptions.parse("--sub", "a", "--sub", "b", "--ttl", "--key", "--info", "");

        assertEquals(List.of("--sub is given twice", "--ttl needs a value", "--key needs a value",
                "--info needs a value"), options.problems());
        assertEquals(Set.of("--sub", "--ttl", "--key", "--info"), options.faulty());
    }

    @Test
    void aValueMayLookLikeAnOptionThatIsNotOne() {
        assertEquals("--weird", TokenToolOptions.parse("--sub", "--weird").sub());
        assertEquals(List.of("--sub needs a value"), TokenToolOptions.parse("--sub", "--ttl", "1h").problems());
    }

    @Test
    void helpIsAFlag() {
        assertTrue(TokenToolOptions.parse("--help").help());
        assertTrue(TokenToolOptions.parse("--sub", "a", "-h").help());
        assertEquals(List.of("--help takes no value"), TokenToolOptions.parse("--help=yes").problems());
    }

    @Test
    void showsOnlyPrintableAsciiOfWhatItEchoes() {
        assertEquals("a\\u001b[2Jb", TokenToolOptions.shown("a\u001b[2Jb"));
        assertEquals("x".repeat(80) + "...", TokenToolOptions.shown("x".repeat(81)));
        assertEquals(List.of("unknown option --a\\u001b]0;x; " + OPTIONS),
                TokenToolOptions.parse("--a\u001b]0;x").problems());
    }
}
