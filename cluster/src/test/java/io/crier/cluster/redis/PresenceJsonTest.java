package io.crier.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crier.cluster.PresenceEntry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PresenceJsonTest {

    @Test
    void writesTheDocumentedShape() {
        PresenceEntry entry = new PresenceEntry("s1", "al\"i\\ce\u0001", "n1", bytes("{\"a\":[1,2]}"));

        assertEquals("{\"user\":\"al\\\"i\\\\ce\\u0001\",\"node\":\"n1\",\"info\":{\"a\":[1,2]}}",
                new String(PresenceJson.encode(entry), StandardCharsets.UTF_8));
    }

    @Test
    void readsBackWhatItWrote() {
        PresenceEntry entry = new PresenceEntry("s1", "Zoë \"z\"\n", "node-1", bytes("{\"x\":\"}\"}"));

        PresenceEntry read = PresenceJson.decode("s1", PresenceJson.encode(entry));

        assertEquals("s1", read.sessionId());
        assertEquals("Zoë \"z\"\n", read.user());
        assertEquals("node-1", read.node());
        assertArrayEquals(entry.info(), read.info());
    }

    @Test
    void readsNullInfoAndEveryJsonEscape() {
        PresenceEntry read = PresenceJson.decode("s9",
                bytes("{\"user\":\"a\\/b\\u00e9\\t\",\"node\":\"n\",\"info\":null}"));

        assertEquals("a/bé\t", read.user());
        assertNull(read.info());
    }

    @Test
    void refusesAnotherShape() {
        assertThrows(IllegalArgumentException.class, () -> PresenceJson.decode("s", bytes("not json")));
        assertThrows(IllegalArgumentException.class,
                () -> PresenceJson.decode("s", bytes("{\"user\":\"a\",\"node\":\"n\"}")));
        assertThrows(IllegalArgumentException.class,
                () -> PresenceJson.decode("s", bytes("{\"user\":\"a\\q\",\"node\":\"n\",\"info\":null}")));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
