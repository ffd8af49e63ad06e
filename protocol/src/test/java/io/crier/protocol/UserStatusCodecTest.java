package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.protocol.UserStatusEvent.Type;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON of {@code GET /api/v1/events}: a golden file under {@code src/test/resources/events-api} pins it. */
class UserStatusCodecTest {

    private final UserStatusCodec codec = new UserStatusCodec();

    @Test
    void encodesAPageExactlyAsItsGoldenFileWithUserIdsEscaped() {
        List<UserStatusEvent> events = List.of(
                new UserStatusEvent("1733600000000-0", "alice", Type.ONLINE, 17, 1733600000000L, "node-1"),
                new UserStatusEvent("1733600042120-0", "bob \"b\"\n", Type.OFFLINE, 18, 1733600042120L, "node-2"));

        assertArrayEquals(golden("page.json"), codec.encodePage(events, "1733600042120-0"));
    }

    @Test
    void anEmptyPageKeepsTheCursor() {
        assertEquals("{\"events\":[],\"next\":\"0\"}",
                new String(codec.encodePage(List.of(), "0"), StandardCharsets.UTF_8));
    }

    @Test
    void typesHaveOneWireNameEach() {
        assertEquals(Type.ONLINE, Type.ofWire("online"));
        assertEquals(Type.OFFLINE, Type.ofWire(Type.OFFLINE.wire()));
        assertEquals(null, Type.ofWire("Online"));
    }

    private static byte[] golden(String name) {
        try (InputStream in = UserStatusCodecTest.class.getResourceAsStream("/events-api/" + name)) {
            byte[] all = in.readAllBytes();
            return all.length > 0 && all[all.length - 1] == '\n' ? Arrays.copyOf(all, all.length - 1) : all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
