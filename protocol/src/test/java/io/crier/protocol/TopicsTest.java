package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The topic-name rules of PROTOCOL.md. */
class TopicsTest {

    /** The allowed characters, spelled out independently of the implementation. */
    private static final String ALLOWED =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:@=";

    @Test
    void allowsExactlyTheDocumentedCharacters() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            boolean allowed = ALLOWED.indexOf(c) >= 0;
            assertEquals(allowed, Topics.isTopicChar(c), "char " + (int) c);
            assertEquals(allowed, Topics.isValid(String.valueOf(c)), "topic of char " + (int) c);
        }
        assertFalse(Topics.isTopicChar(Character.MAX_VALUE));
        assertTrue(Topics.isValid(ALLOWED));
    }

    @Test
    void acceptsLengthsFromOneToTwoHundred() {
        assertTrue(Topics.isValid("a"));
        assertTrue(Topics.isValid("a".repeat(200)));
        assertFalse(Topics.isValid("a".repeat(201)));
        assertFalse(Topics.isValid(""));
        assertFalse(Topics.isValid(null));
        assertEquals(200, Topics.MAX_LENGTH);
    }

    @Test
    void namespaceIsThePartBeforeTheFirstColon() {
        assertEquals("chat", Topics.namespace("chat:lobby"));
        assertEquals("a", Topics.namespace("a:b:c"));
        assertEquals("", Topics.namespace("news"));
        assertEquals("", Topics.namespace(":leading"));
        assertEquals("trailing", Topics.namespace("trailing:"));
    }

    @Test
    void requireValidReturnsTheTopicOrThrows() {
        String topic = "chat:lobby";
        assertSame(topic, Topics.requireValid(topic));
        assertThrows(IllegalArgumentException.class, () -> Topics.requireValid("chat lobby"));
    }
}
