package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Encoding commands beyond the golden files: PROTOCOL.md's own examples byte for byte, a decode round trip for
 * every kind, publish data kept exact, and escaping. Topics need no escaping case: the topic rules allow only
 * characters JSON writes as they are.
 */
class CommandEncodeTest {

    private static final String TRICKY = "he said \"hi\"\\\n\t\u0001 caf\u00e9 \ud83d\ude00 </script>";
    private static final String TRICKY_JSON =
            "\"he said \\\"hi\\\"\\\\\\n\\t\\u0001 caf\u00e9 \ud83d\ude00 </script>\"";
    private static final String EVERY_TOPIC_CHARACTER = "chat:Lobby-1.x@y=z_Q9";

    private final EnvelopeCodec codec = new EnvelopeCodec(64 * 1024);

    /** The command examples of PROTOCOL.md (§3 for the anonymous auth, §5's table, §5.1), verbatim. */
    static Stream<Arguments> documentedExamples() {
        return Stream.of(
                Arguments.of("{\"type\":\"auth\",\"id\":1,\"token\":\"<JWT>\"}", new Command.Auth(id(1), "<JWT>")),
                Arguments.of("{\"type\":\"auth\",\"id\":1}", new Command.Auth(id(1), null)),
                Arguments.of("{\"type\":\"refresh\",\"id\":7,\"token\":\"<JWT>\"}", new Command.Refresh(id(7), "<JWT>")),
                Arguments.of("{\"type\":\"subscribe\",\"id\":2,\"topic\":\"news\"}", new Command.Subscribe(id(2), "news")),
                Arguments.of("{\"type\":\"subscribe\",\"id\":2,\"topic\":\"news\",\"since\":{\"offset\":5,\"epoch\":\"abc\"}}",
                        new Command.Subscribe(id(2), "news", new Position(5, "abc"))),
                Arguments.of("{\"type\":\"unsubscribe\",\"id\":3,\"topic\":\"news\"}",
                        new Command.Unsubscribe(id(3), "news")),
                Arguments.of("{\"type\":\"publish\",\"id\":4,\"topic\":\"chat:lobby\",\"data\":{\"text\":\"hi\"}}",
                        new Command.Publish(id(4), "chat:lobby", RawJson.trusted("{\"text\":\"hi\"}"))),
                Arguments.of("{\"type\":\"ping\",\"id\":5}", new Command.Ping(id(5))),
                Arguments.of("{\"type\":\"history\",\"id\":3,\"topic\":\"news\",\"since\":{\"offset\":5,\"epoch\":\"abc\"},"
                        + "\"limit\":50}", new Command.History(id(3), "news", new Position(5, "abc"), 50)),
                Arguments.of("{\"type\":\"presence\",\"id\":4,\"topic\":\"chat:lobby\"}",
                        new Command.Presence(id(4), "chat:lobby", false)));
    }

    static Stream<Command> everyKind() {
        return Stream.of(
                new Command.Auth(id(1), "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"),
                new Command.Auth(id(1), TRICKY),
                new Command.Auth(CommandId.ofString("first"), null),
                new Command.Refresh(id(7), TRICKY),
                new Command.Refresh(id(7), "a\ud800b"),
                new Command.Subscribe(id(2), EVERY_TOPIC_CHARACTER),
                new Command.Subscribe(id(2), "news", new Position(0, "Xk3-9f_Q.2")),
                new Command.Subscribe(id(2), "news", new Position(Long.MAX_VALUE, "e")),
                new Command.Unsubscribe(CommandId.ofString("u-3"), EVERY_TOPIC_CHARACTER),
                new Command.Publish(id(4), "news", RawJson.trusted("{\"a\": 1}")),
                new Command.Publish(id(4), "news", RawJson.trusted("null")),
                new Command.Ping(id(Long.MIN_VALUE)),
                new Command.Ping(new CommandId("9".repeat(CommandDecoder.MAX_ID_LENGTH))),
                new Command.History(id(3), "news", null, 1),
                new Command.History(id(3), "news", null, Command.History.DEFAULT_LIMIT),
                new Command.History(id(3), "news", new Position(9, "abc"), Command.History.DEFAULT_LIMIT),
                new Command.History(id(3), "news", new Position(9, "abc"), Command.History.MAX_LIMIT),
                new Command.Presence(id(4), "chat:lobby", false),
                new Command.Presence(id(4), "chat:lobby", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedExamples")
    void encodesEveryDocumentedExampleByteForByte(String example, Command command) throws IOException {
        assertTrue(document().contains(example), () -> "PROTOCOL.md no longer shows " + example);
        assertEquals(example, utf8(codec.encodeCommand(command)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyKind")
    void decodesEveryEncodedCommandBackToAnEqualCommand(Command command) {
        assertEquals(command, codec.decode(codec.encodeCommand(command)));
    }

    @Test
    void keepsPublishDataByteForByte() {
        String[] values = {"{\"a\": 1}", "null", "123456789012345678901234567890", "-1e999999999", "1.0E+400",
            "[ 1 ,\n\t2 ]", "\"caf\u00e9 \\u00e9 \u2615 \uD83C\uDF89 \\\"q\\\"\"", "{\"a\":{\"b\":[{}]}}", "\"\""};
        for (String data : values) {
            Command.Publish publish = new Command.Publish(id(4), "news", RawJson.trusted(data));
            byte[] encoded = codec.encodeCommand(publish);
            String expected = "{\"type\":\"publish\",\"id\":4,\"topic\":\"news\",\"data\":" + data + "}";
            assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), encoded, data);
            assertEquals(publish, codec.decode(encoded), data);
        }
    }

    @Test
    void escapesTokensSoThatTheyDecodeUnchanged() {
        byte[] auth = codec.encodeCommand(new Command.Auth(id(1), TRICKY));
        assertEquals("{\"type\":\"auth\",\"id\":1,\"token\":" + TRICKY_JSON + "}", utf8(auth));
        assertEquals(TRICKY, ((Command.Auth) codec.decode(auth)).token());
        byte[] refresh = codec.encodeCommand(new Command.Refresh(id(7), TRICKY));
        assertEquals("{\"type\":\"refresh\",\"id\":7,\"token\":" + TRICKY_JSON + "}", utf8(refresh));
    }

    @Test
    void writesAStringIdAsTheTokenTheDecoderKept() {
        Inbound decoded = codec.decode(utf8("{\"id\":\"a\\\"b\\u0041\",\"type\":\"ping\"}"));
        assertEquals("{\"type\":\"ping\",\"id\":\"a\\\"bA\"}", utf8(codec.encodeCommand((Command) decoded)));
    }

    @Test
    void writesTopicsWithEveryAllowedCharacterAsTheyAre() {
        byte[] unsubscribe = codec.encodeCommand(new Command.Unsubscribe(id(3), EVERY_TOPIC_CHARACTER));
        assertEquals("{\"type\":\"unsubscribe\",\"id\":3,\"topic\":\"" + EVERY_TOPIC_CHARACTER + "\"}",
                utf8(unsubscribe));
    }

    @Test
    void leavesOutALimitAtItsDefaultButWritesAnyOther() {
        Position since = new Position(0, "e");
        assertEquals("{\"type\":\"history\",\"id\":3,\"topic\":\"news\",\"since\":{\"offset\":0,\"epoch\":\"e\"}}",
                utf8(codec.encodeCommand(new Command.History(id(3), "news", since, Command.History.DEFAULT_LIMIT))));
        assertEquals("{\"type\":\"history\",\"id\":3,\"topic\":\"news\",\"limit\":1000}",
                utf8(codec.encodeCommand(new Command.History(id(3), "news", null, Command.History.MAX_LIMIT))));
    }

    @Test
    void refusesANullCommand() {
        assertThrows(NullPointerException.class, () -> codec.encodeCommand(null));
    }

    private static CommandId id(long number) {
        return CommandId.of(number);
    }

    private static String document() throws IOException {
        // Surefire runs with the module folder as the working directory.
        return Files.readString(Path.of("PROTOCOL.md"));
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
