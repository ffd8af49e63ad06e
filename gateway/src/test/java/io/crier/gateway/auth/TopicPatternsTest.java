package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicPatternsTest {

    @Test
    void exactPatternMatchesOnlyThatTopic() {
        TopicPatterns patterns = TopicPatterns.of(List.of("news"));

        assertTrue(patterns.allows("news"));
        assertFalse(patterns.allows("news2"));
        assertFalse(patterns.allows("new"));
    }

    @Test
    void patternEndingInStarMatchesByPrefix() {
        TopicPatterns patterns = TopicPatterns.of(List.of("chat:*"));

        assertTrue(patterns.allows("chat:lobby"));
        assertTrue(patterns.allows("chat:"));
        assertFalse(patterns.allows("chat"));
        assertFalse(patterns.allows("news"));
    }

    @Test
    void starAloneMatchesEveryTopic() {
        TopicPatterns patterns = TopicPatterns.of(List.of("*"));

        assertTrue(patterns.allows("news"));
        assertTrue(patterns.allows("a:b.c@d=e"));
    }

    @Test
    void malformedPatternsNeverMatch() {
        TopicPatterns patterns = TopicPatterns.of(List.of("", "a*b", "*news", "chat:**", "news feed*",
                "naïve*", "x".repeat(201), "y".repeat(200) + "*"));

        assertFalse(patterns.allows("a*b"));
        assertFalse(patterns.allows("axb"));
        assertFalse(patterns.allows("news"));
        assertFalse(patterns.allows("chat:lobby"));
        assertFalse(patterns.allows("news feed"));
        assertFalse(patterns.allows("naïve"));
        assertFalse(patterns.allows("y".repeat(200)));
        assertEquals(8, patterns.patterns().size());
    }

    @Test
    void isWellFormedIsFalseExactlyForThePatternsThatNeverMatch() {
        for (String malformed : List.of("", "a*b", "*news", "chat:**", "news feed*", "naïve*", "x".repeat(201),
                "y".repeat(200) + "*", "**")) {
            assertFalse(TopicPatterns.isWellFormed(malformed), malformed);
        }
        for (String wellFormed : List.of("*", "chat:*", "news", "a:b.c@d=e-f_g", "x".repeat(200),
                "y".repeat(199) + "*")) {
            assertTrue(TopicPatterns.isWellFormed(wellFormed), wellFormed);
        }
        assertFalse(TopicPatterns.isWellFormed(null));
    }

    @Test
    void malformedPatternDoesNotSpoilTheValidOnes() {
        TopicPatterns patterns = TopicPatterns.of(List.of("bad*pattern", "news", "room:*"));

        assertTrue(patterns.allows("news"));
        assertTrue(patterns.allows("room:42"));
        assertFalse(patterns.allows("badXpattern"));
    }

    @Test
    void noneMatchesNothing() {
        assertFalse(TopicPatterns.NONE.allows("news"));
        assertFalse(TopicPatterns.of(List.of("*")).allows(null));
        assertSame(TopicPatterns.NONE, TopicPatterns.of(List.of()));
    }

    @Test
    void keepsPatternsAsGiven() {
        assertEquals(List.of("news", "chat:*"), TopicPatterns.of(List.of("news", "chat:*")).patterns());
    }
}
