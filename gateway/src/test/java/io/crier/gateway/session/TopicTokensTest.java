package io.crier.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicTokensTest {

    private final TopicTokens tokens = new TopicTokens();
    private final Object a = new Object();
    private final Object b = new Object();
    private final Object c = new Object();

    @Test
    void holdsOneTopicAndGivesItBack() {
        assertNull(tokens.put("news", a));

        assertTrue(tokens.containsKey("news"));
        assertFalse(tokens.containsKey("sport"));
        assertEquals(1, tokens.size());
        assertEquals(List.of("news"), tokens.keys());
        assertNull(tokens.remove("sport"));
        assertSame(a, tokens.remove("news"));
        assertEquals(0, tokens.size());
        assertEquals(List.of(), tokens.keys());
    }

    @Test
    void putOnTheSameTopicReplacesItsToken() {
        tokens.put("news", a);

        assertSame(a, tokens.put("news", b));
        assertEquals(1, tokens.size());
        assertSame(b, tokens.remove("news"));
    }

    @Test
    void growsPastOneTopicAndShrinksBackToNone() {
        tokens.put("news", a);
        tokens.put("sport", b);
        tokens.put("weather", c);

        assertEquals(3, tokens.size());
        assertEquals(Set.of("news", "sport", "weather"), Set.copyOf(tokens.keys()));
        assertTrue(tokens.containsKey("news"));
        assertSame(b, tokens.remove("sport"));
        assertSame(a, tokens.remove("news"));
        assertEquals(List.of("weather"), tokens.keys());
        assertSame(c, tokens.remove("weather"));
        assertEquals(0, tokens.size());

        assertNull(tokens.put("news", a));
        assertEquals(List.of("news"), tokens.keys());
    }

    @Test
    void removesAndReplacesOnlyTheExpectedTokenComparedByIdentity() {
        tokens.put("news", a);
        tokens.put("sport", b);

        assertFalse(tokens.remove("news", b));
        assertFalse(tokens.remove("radio", a));
        assertFalse(tokens.replace("sport", a, c));
        assertTrue(tokens.replace("sport", b, c));
        assertFalse(tokens.remove("sport", b));
        assertTrue(tokens.remove("sport", c));
        assertTrue(tokens.remove("news", a));
        assertEquals(0, tokens.size());

        tokens.put("news", a);
        assertFalse(tokens.replace("news", b, c));
        assertTrue(tokens.replace("news", a, c));
        assertFalse(tokens.remove("news", a));
        assertTrue(tokens.remove("news", c));
        assertFalse(tokens.containsKey("news"));
    }
}
