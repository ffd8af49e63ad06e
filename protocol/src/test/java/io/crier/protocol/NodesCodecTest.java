package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The cluster view's JSON: golden files under {@code src/test/resources/nodes-api} pin every shape. */
class NodesCodecTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final NodeInfo NODE_A = new NodeInfo("node-a.1", "10.0.0.5:8080", 3, START, "0.1.0");

    private final NodesCodec codec = new NodesCodec();

    @Test
    void encodesAnAnnouncementExactlyAsItsGoldenFile() {
        assertArrayEquals(golden("announcement.json"), codec.encode(NODE_A));
    }

    @Test
    void decodesWhatItEncodes() {
        NodeInfo odd = new NodeInfo("n", "[::1]:1", Long.MAX_VALUE, Instant.parse("2026-03-04T05:06:07.123456Z"),
                "1.0 \"rc\" \u00e9 \uD83D\uDE00");
        assertEquals(odd, codec.decode(codec.encode(odd)));
        assertEquals(NODE_A, codec.decode(golden("announcement.json")));
    }

    @Test
    void decodesFieldsInAnyOrderAndSkipsUnknownOnes() {
        String stored = "{\"future\":{\"a\":[1,2]},\"version\":\"0.1.0\",\"startedAt\":\"2026-01-01T00:00:00Z\","
                + "\"connections\":3,\"address\":\"10.0.0.5:8080\",\"id\":\"node-a.1\",\"more\":null}";
        assertEquals(NODE_A, codec.decode(utf8(stored)));
    }

    @Test
    void encodesTheListWithUptimesAndTheAnsweringNode() {
        NodeInfo nodeB = new NodeInfo("node-b", "[::1]:9090", 0, Instant.parse("2026-01-01T00:01:30.250Z"),
                "dev \"quoted\" \u00e9");
        Instant now = Instant.parse("2026-01-01T00:01:30.500Z");
        assertArrayEquals(golden("list.json"), codec.encodeList("node-a.1", List.of(NODE_A, nodeB), now));
    }

    @Test
    void uptimeIsNeverNegativeWhenTheClocksDisagree() {
        String body = new String(codec.encodeList("x", List.of(NODE_A), START.minusSeconds(5)),
                StandardCharsets.UTF_8);
        assertEquals(true, body.endsWith("\"uptimeMs\":0}]}"), body);
    }

    @Test
    void encodesAnEmptyListAndTheErrorBody() {
        assertEquals("{\"node\":\"x\",\"nodes\":[]}",
                new String(codec.encodeList("x", List.of(), START), StandardCharsets.UTF_8));
        assertArrayEquals(golden("error.json"), codec.encodeError("unavailable", "Redis is unavailable; retry later"));
    }

    private static final String VALID_TAIL = "\"startedAt\":\"2026-01-01T00:00:00Z\",\"version\":\"v\"}";

    @ParameterizedTest
    @ValueSource(strings = {
        "", "null", "[]", "{", "not json",
        "{\"id\":\"n\",\"address\":\"a\",\"connections\":1,\"startedAt\":\"2026-01-01T00:00:00Z\"}",
        "{\"id\":\"n\",\"address\":\"a\",\"connections\":-1," + VALID_TAIL,
        "{\"id\":\"n\",\"address\":\"a\",\"connections\":1.5," + VALID_TAIL,
        "{\"id\":\"n\",\"address\":\"a\",\"connections\":\"1\"," + VALID_TAIL,
        "{\"id\":\"n\",\"address\":\"a\",\"connections\":1,\"startedAt\":\"yesterday\",\"version\":\"v\"}",
        "{\"id\":\"\",\"address\":\"a\",\"connections\":1," + VALID_TAIL,
        "{\"id\":1,\"address\":\"a\",\"connections\":1," + VALID_TAIL,
        "{\"id\":\"n\",\"id\":\"m\",\"address\":\"a\",\"connections\":1," + VALID_TAIL,
        "{\"id\":\"n\",\"address\":\"a\",\"connections\":99999999999999999999," + VALID_TAIL,
        "{\"id\":\"n\",\"address\":\"a\",\"connections\":1," + VALID_TAIL + " x"
    })
    void rejectsWhatIsNotAnAnnouncement(String stored) {
        assertThrows(IllegalArgumentException.class, () -> codec.decode(utf8(stored)));
        assertEquals(new NodeInfo("n", "a", 1, Instant.parse("2026-01-01T00:00:00Z"), "v"),
                codec.decode(utf8("{\"id\":\"n\",\"address\":\"a\",\"connections\":1," + VALID_TAIL)),
                "the well-formed form of the same record is accepted");
    }

    @Test
    void rejectsBadUtf8AndOversizedValues() {
        assertThrows(IllegalArgumentException.class, () -> codec.decode(new byte[] {'{', (byte) 0xC3, '}'}));
        byte[] huge = utf8("{\"id\":\"" + "x".repeat(NodesCodec.MAX_STORED_BYTES) + "\"}");
        assertThrows(IllegalArgumentException.class, () -> codec.decode(huge));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] golden(String name) {
        try (InputStream in = NodesCodecTest.class.getResourceAsStream("/nodes-api/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden file " + name);
            }
            byte[] all = in.readAllBytes();
            return all.length > 0 && all[all.length - 1] == '\n' ? Arrays.copyOf(all, all.length - 1) : all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
