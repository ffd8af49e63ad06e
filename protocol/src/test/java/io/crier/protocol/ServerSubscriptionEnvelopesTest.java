package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The envelopes of server-side subscriptions (issue 16): the {@code since} map of an {@code auth}, read strictly,
 * and the {@code subscribed}/{@code unsubscribed} pushes.
 */
class ServerSubscriptionEnvelopesTest {

    private final EnvelopeCodec codec = new EnvelopeCodec(64);

    @Test
    void authSinceMapsTopicsToPositionsWhateverTheFieldOrder() {
        Command.Auth auth = assertInstanceOf(Command.Auth.class, decode(
                "{\"since\":{\"a:1\":{\"epoch\":\"e\",\"offset\":3},\"b\":{\"offset\":0,\"epoch\":\"f\"}},"
                        + "\"id\":1,\"type\":\"auth\",\"token\":\"t\"}"));

        assertEquals(Map.of("a:1", new Position(3, "e"), "b", new Position(0, "f")), auth.since());
        assertEquals("t", auth.token());
    }

    @Test
    void anonymousAuthMayCarrySinceToo() {
        Command.Auth auth = assertInstanceOf(Command.Auth.class,
                decode("{\"type\":\"auth\",\"id\":1,\"since\":{\"offset\":{\"offset\":1,\"epoch\":\"e\"}}}"));

        assertTrue(auth.anonymous());
        // "offset" is a topic name here, not a position field: the type decides how since is read.
        assertEquals(Map.of("offset", new Position(1, "e")), auth.since());
    }

    @Test
    void authWithoutSinceHasAnEmptyMap() {
        Command.Auth auth = assertInstanceOf(Command.Auth.class, decode("{\"type\":\"auth\",\"id\":1}"));

        assertEquals(Map.of(), auth.since());
    }

    @Test
    void refusesADuplicateTopicInSince() {
        assertProblem(ErrorCode.INVALID_FIELD, "duplicate field name", "{\"type\":\"auth\",\"id\":1,\"since\":"
                + "{\"a\":{\"offset\":1,\"epoch\":\"e\"},\"a\":{\"offset\":2,\"epoch\":\"e\"}}}");
    }

    @Test
    void refusesAnInvalidTopicInSinceWithoutEchoingIt() {
        Malformed malformed = assertProblem(ErrorCode.BAD_TOPIC, "field 'since' names an invalid topic",
                "{\"type\":\"auth\",\"id\":1,\"since\":{\"no spaces<script>\":{\"offset\":1,\"epoch\":\"e\"}}}");

        assertEquals(CommandId.of(1), malformed.id());
    }

    @Test
    void refusesSinceThatIsNotAnObjectOfPositions() {
        assertProblem(ErrorCode.INVALID_FIELD, null, "{\"type\":\"auth\",\"id\":1,\"since\":[1]}");
        assertProblem(ErrorCode.INVALID_FIELD, null, "{\"type\":\"auth\",\"id\":1,\"since\":{\"a\":5}}");
        assertProblem(ErrorCode.MISSING_FIELD, "missing field 'since.epoch'",
                "{\"type\":\"auth\",\"id\":1,\"since\":{\"a\":{\"offset\":5}}}");
        assertProblem(ErrorCode.INVALID_FIELD, "field 'since.offset' must be a non-negative integer",
                "{\"type\":\"auth\",\"id\":1,\"since\":{\"a\":{\"offset\":-5,\"epoch\":\"e\"}}}");
    }

    @Test
    void refusesMoreTopicsThanTheBound() {
        StringBuilder frame = new StringBuilder("{\"type\":\"auth\",\"id\":1,\"since\":{");
        for (int i = 0; i <= Command.Auth.MAX_SINCE_TOPICS; i++) {
            frame.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"offset\":1,\"epoch\":\"e\"}");
        }
        frame.append("}}");
        EnvelopeCodec roomy = new EnvelopeCodec(64);

        Malformed malformed = assertInstanceOf(Malformed.class,
                roomy.decode(frame.toString().getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorCode.TOO_LARGE, malformed.code());
    }

    @Test
    void subscribeSinceIsStillOnePosition() {
        assertEquals(new Command.Subscribe(CommandId.of(2), "news", new Position(5, "abc")), decode(
                "{\"since\":{\"offset\":5,\"epoch\":\"abc\"},\"type\":\"subscribe\",\"id\":2,\"topic\":\"news\"}"));
        assertProblem(ErrorCode.MISSING_FIELD, "missing field 'since.offset'",
                "{\"type\":\"subscribe\",\"id\":2,\"topic\":\"news\",\"since\":{\"a\":{\"offset\":1,\"epoch\":\"e\"}}}");
    }

    @Test
    void authRecordRefusesABadSinceMap() {
        Map<String, Position> tooMany = new HashMap<>();
        for (int i = 0; i <= Command.Auth.MAX_SINCE_TOPICS; i++) {
            tooMany.put("t" + i, new Position(1, "e"));
        }
        assertThrows(IllegalArgumentException.class, () -> new Command.Auth(CommandId.of(1), "t", tooMany));
        assertThrows(IllegalArgumentException.class,
                () -> new Command.Auth(CommandId.of(1), "t", Map.of("bad topic", new Position(1, "e"))));
    }

    @Test
    void clientCommandsWritesAnAuthThatDecodesBack() {
        Map<String, Position> since = Map.of("orders:42", new Position(9, "abc"));
        String text = ClientCommands.auth(3, null, since);

        assertEquals(new Command.Auth(CommandId.of(3), null, since), decode(text));
    }

    @Test
    void subscribedPushWithoutHistoryHasNoPositionFields() {
        assertEquals("{\"type\":\"subscribed\",\"topic\":\"t\"}",
                new String(codec.encode(new Push.Subscribed("t")), StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> new Push.Unsubscribed("not a topic"));
    }

    private Inbound decode(String frame) {
        return codec.decode(frame.getBytes(StandardCharsets.UTF_8));
    }

    private Malformed assertProblem(ErrorCode code, String message, String frame) {
        Malformed malformed = assertInstanceOf(Malformed.class, decode(frame), frame);
        assertEquals(code, malformed.code(), frame);
        if (message != null) {
            assertEquals(message, malformed.message(), frame);
        }
        return malformed;
    }
}
