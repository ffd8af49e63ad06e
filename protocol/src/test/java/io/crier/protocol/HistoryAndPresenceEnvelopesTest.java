package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Positions, recovery, history and presence envelopes beyond the golden files: field order, defaults and
 * bounds, the message fast path with a position, escaping, and the rules of the new records.
 */
class HistoryAndPresenceEnvelopesTest {

    private final EnvelopeCodec codec = new EnvelopeCodec(1024);
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void readsSinceInAnyFieldOrderAndIgnoresUnknownFieldsInsideIt() {
        assertEquals(new Command.Subscribe(CommandId.of(2), "news", new Position(0, "E_1.a-Z")), decode(
                "{\"since\":{\"x\":{\"offset\":-1},\"epoch\":\"E_1.a-Z\",\"offset\":0},\"topic\":\"news\","
                        + "\"id\":2,\"type\":\"subscribe\"}"));
        assertEquals(new Command.Subscribe(CommandId.of(2), "news", new Position(Long.MAX_VALUE, "e")),
                decode("{\"type\":\"subscribe\",\"id\":2,\"topic\":\"news\",\"since\":{\"offset\":"
                        + Long.MAX_VALUE + ",\"epoch\":\"e\"}}"));
    }

    @Test
    void ignoresRecoveryFieldsOnCommandsThatDoNotTakeThem() {
        assertEquals(new Command.Ping(CommandId.of(5)),
                decode("{\"type\":\"ping\",\"id\":5,\"since\":7,\"limit\":0,\"countOnly\":\"x\"}"));
        assertEquals(new Command.Unsubscribe(CommandId.of(3), "news"),
                decode("{\"type\":\"unsubscribe\",\"id\":3,\"topic\":\"news\",\"since\":{}}"));
    }

    @Test
    void acceptsHistoryLimitsAtBothBounds() {
        assertEquals(1, ((Command.History) decode(history(1))).limit());
        assertEquals(Command.History.MAX_LIMIT, ((Command.History) decode(history(1000))).limit());
        assertThrows(IllegalArgumentException.class, () -> new Command.History(CommandId.of(1), "t", null, 0));
        assertThrows(IllegalArgumentException.class, () -> new Command.History(CommandId.of(1), "t", null, 1001));
    }

    @Test
    void readsHistoryFromTheOldestWhenSinceIsAbsent() {
        Command.History history = (Command.History) decode("{\"type\":\"history\",\"id\":1,\"topic\":\"t\"}");
        assertEquals(0, history.afterOffset());
        assertEquals(Command.History.DEFAULT_LIMIT, history.limit());
        assertEquals(5, new Command.History(CommandId.of(1), "t", new Position(5, "e"), 10).afterOffset());
    }

    @Test
    void readsAnExplicitFalseCountOnly() {
        assertEquals(new Command.Presence(CommandId.of(4), "chat:lobby", false),
                decode("{\"type\":\"presence\",\"id\":4,\"topic\":\"chat:lobby\",\"countOnly\":false}"));
    }

    @Test
    void tellsWhetherASubscribeAsksForRecovery() {
        assertFalse(new Command.Subscribe(CommandId.of(1), "t").recovering());
        assertTrue(new Command.Subscribe(CommandId.of(1), "t", new Position(3, "e")).recovering());
    }

    @Test
    void encodesPositionedMessageByConcatenationExactlyAsTheGenericPath() throws Exception {
        RawJson data = RawJson.trusted("{ \"spaced\" : [1, 2] ,\"\u00e9\":\"\\u00e9\"}");
        Position position = new Position(1234567890123L, "Ab-9_.z");
        byte[] fast = codec.encodeMessage("chat:lobby", data, position);
        assertArrayEquals(fast, codec.encode(new Push.Message("chat:lobby", data, position)));
        JsonNode message = mapper.readTree(fast);
        assertEquals(1234567890123L, message.get("offset").longValue());
        assertEquals("Ab-9_.z", message.get("epoch").textValue());
        assertEquals(mapper.readTree(data.text()), message.get("data"));
        assertArrayEquals(codec.encodeMessage("t", data), codec.encodeMessage("t", data, null));
    }

    @Test
    void escapesUsersAndSessionsOfPresenceRepliesAndPushes() throws Exception {
        String user = "he said \"hi\"\\ caf\u00e9 \ud83d\ude00";
        JsonNode list = mapper.readTree(codec.encode(new Reply.PresenceList(CommandId.of(1),
                List.of(new Reply.PresenceItem(user, "s\"1", RawJson.trusted("[ 1 ]"))))));
        assertEquals(user, list.get("presence").get(0).get("user").textValue());
        assertEquals("s\"1", list.get("presence").get(0).get("session").textValue());
        JsonNode join = mapper.readTree(codec.encode(new Push.Join("t", user, "s")));
        assertEquals(user, join.get("user").textValue());
        JsonNode leave = mapper.readTree(codec.encode(new Push.Leave("t", user, "s")));
        assertEquals("leave", leave.get("type").textValue());
    }

    @Test
    void writesHistoryDataLargerThanTheGeneratorBufferUnchanged() {
        String big = "\"" + "x\\u00e9".repeat(5000) + "\"";
        byte[] page = codec.encode(new Reply.HistoryPage(CommandId.of(1), new Position(1, "e"), true,
                List.of(new Reply.HistoryItem(1, RawJson.trusted(big)))));
        assertEquals("{\"type\":\"ok\",\"id\":1,\"offset\":1,\"epoch\":\"e\",\"complete\":true,"
                + "\"publications\":[{\"offset\":1,\"data\":" + big + "}]}", new String(page, StandardCharsets.UTF_8));
    }

    @Test
    void positionsFollowTheEpochRules() {
        assertTrue(Position.isValidEpoch("aZ09_-."));
        assertTrue(Position.isValidEpoch("e".repeat(64)));
        assertFalse(Position.isValidEpoch("e".repeat(65)));
        assertFalse(Position.isValidEpoch(""));
        assertFalse(Position.isValidEpoch(null));
        assertFalse(Position.isValidEpoch("a:b"));
        assertFalse(Position.isValidEpoch("caf\u00e9"));
        assertThrows(IllegalArgumentException.class, () -> new Position(-1, "e"));
        assertThrows(IllegalArgumentException.class, () -> new Position(1, "a\"b"));
        assertThrows(NullPointerException.class, () -> new Position(1, null));
    }

    @Test
    void historyItemsAndCountsRefuseImpossibleValues() {
        assertThrows(IllegalArgumentException.class, () -> new Reply.HistoryItem(0, RawJson.trusted("1")));
        assertThrows(IllegalArgumentException.class, () -> new Reply.PresenceCount(CommandId.of(1), -1, 0));
        assertThrows(NullPointerException.class, () -> new Reply.Subscribed(CommandId.of(1), true, null));
    }

    private Inbound decode(String frame) {
        return codec.decode(frame.getBytes(StandardCharsets.UTF_8));
    }

    private static String history(int limit) {
        return "{\"type\":\"history\",\"id\":3,\"topic\":\"news\",\"limit\":" + limit + "}";
    }
}
