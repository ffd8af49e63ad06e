package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding of well-formed commands beyond the golden files: field order, spans, ids and limits. */
class EnvelopeDecodeTest {

    private final EnvelopeCodec codec = new EnvelopeCodec(64);

    @Test
    void acceptsFieldsInAnyOrderAndIgnoresUnknownFields() {
        String frame = "{\"data\":[1],\"future\":{\"a\":[1,2,{\"b\":null}]},\"topic\":\"t\",\"id\":\"x\","
                + "\"type\":\"publish\",\"flag\":true}";
        assertEquals(new Command.Publish(CommandId.ofString("x"), "t", RawJson.trusted("[1]")), decode(frame));
    }

    @Test
    void acceptsTheSameNameInSeparateObjectsAndTheCommandsNamesInsideData() {
        String data = "{\"type\":{\"k\":1},\"id\":[{\"k\":2},{\"k\":3}],\"topic\":{\"k\":{\"k\":4}}}";
        String frame = "{\"type\":\"publish\",\"x\":{\"k\":1},\"id\":1,\"y\":{\"k\":1},\"topic\":\"t\","
                + "\"data\":" + data + "}";
        assertEquals(new Command.Publish(CommandId.of(1), "t", RawJson.trusted(data)), decode(frame));
    }

    @Test
    void ignoresFieldsThatTheCommandTypeDoesNotUse() {
        String frame = "{\"type\":\"ping\",\"id\":1,\"topic\":5,\"token\":null,\"data\":{\"x\":[]}}";
        assertEquals(new Command.Ping(CommandId.of(1)), decode(frame));
    }

    @Test
    void keepsDataBytesExactlyWithInnerWhitespaceButWithoutSurroundingWhitespace() {
        String frame = "{\"type\":\"publish\",\"id\":1,\"topic\":\"t\",\"data\":  { \"a\" : [ 1 , 2 ] }\n }";
        Command.Publish publish = assertInstanceOf(Command.Publish.class, decode(frame));
        assertEquals("{ \"a\" : [ 1 , 2 ] }", publish.data().text());
    }

    @Test
    void keepsStringDataWithItsEscapesAndRawNonAsciiBytes() {
        String data = "\"caf\u00e9 \\u00e9 \\\"q\\\" \\n \ud83d\ude00\"";
        String frame = "{\"type\":\"publish\",\"id\":1,\"topic\":\"t\",\"data\":" + data + "}";
        Command.Publish publish = assertInstanceOf(Command.Publish.class, decode(frame));
        assertEquals(data, publish.data().text());
    }

    @Test
    void keepsScalarDataFollowedDirectlyByTheClosingBrace() {
        for (String data : List.of("0", "-1.25E+7", "true", "false", "null", "\"\"")) {
            String frame = "{\"type\":\"publish\",\"id\":1,\"topic\":\"t\",\"data\":" + data + "}";
            Command.Publish publish = assertInstanceOf(Command.Publish.class, decode(frame));
            assertEquals(data, publish.data().text());
        }
    }

    @Test
    void decodesAFrameInTheMiddleOfALargerArray() {
        byte[] frame = utf8("{\"type\":\"publish\",\"id\":7,\"topic\":\"t\",\"data\":{\"k\":\"v\"}}");
        byte[] buffer = new byte[frame.length + 20];
        Arrays.fill(buffer, (byte) '#');
        System.arraycopy(frame, 0, buffer, 11, frame.length);
        Inbound decoded = codec.decode(buffer, 11, frame.length);
        assertEquals(new Command.Publish(CommandId.of(7), "t", RawJson.trusted("{\"k\":\"v\"}")), decoded);
    }

    @Test
    void skipsAByteOrderMarkAndStillFindsTheDataBytes() {
        String frame = "\ufeff{\"type\":\"publish\",\"id\":1,\"topic\":\"t\",\"data\":[true]}";
        assertEquals(new Command.Publish(CommandId.of(1), "t", RawJson.trusted("[true]")), decode(frame));
    }

    @Test
    void acceptsDataOfExactlyTheLimit() {
        String data = "\"" + "x".repeat(codec.maxDataBytes() - 2) + "\"";
        String frame = "{\"type\":\"publish\",\"id\":1,\"topic\":\"t\",\"data\":" + data + "}";
        assertEquals(new Command.Publish(CommandId.of(1), "t", RawJson.trusted(data)), decode(frame));
    }

    @Test
    void acceptsDataNestedUpToTheDepthLimitCountingTheEnvelope() {
        int deepest = StrictJson.MAX_NESTING_DEPTH - 1;
        String data = "[".repeat(deepest) + "]".repeat(deepest);
        EnvelopeCodec roomy = new EnvelopeCodec(1024);
        assertEquals(new Command.Publish(CommandId.of(1), "t", RawJson.trusted(data)),
                roomy.decode(utf8("{\"type\":\"publish\",\"id\":1,\"topic\":\"t\",\"data\":" + data + "}")));
        Malformed tooDeep = assertInstanceOf(Malformed.class,
                roomy.decode(utf8("{\"type\":\"publish\",\"id\":1,\"topic\":\"t\",\"data\":[" + data + "]}")));
        assertEquals(ErrorCode.TOO_LARGE, tooDeep.code());
    }

    @Test
    void acceptsTheLongestIdsTopicAndToken() {
        String id = "i".repeat(64);
        String digits = "1".repeat(64);
        String topic = "t".repeat(Topics.MAX_LENGTH);
        String token = "k".repeat(8192);
        assertEquals(new Command.Ping(CommandId.ofString(id)), decode("{\"type\":\"ping\",\"id\":\"" + id + "\"}"));
        assertEquals(new Command.Ping(new CommandId(digits)), decode("{\"type\":\"ping\",\"id\":" + digits + "}"));
        assertEquals(new Command.Subscribe(CommandId.of(1), topic),
                decode("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"" + topic + "\"}"));
        assertEquals(new Command.Auth(CommandId.of(1), token),
                decode("{\"type\":\"auth\",\"id\":1,\"token\":\"" + token + "\"}"));
    }

    @Test
    void keepsIntegerIdTokensAsSentEvenBeyondTheRangeOfLong() {
        assertEquals(new CommandId("-0"), ping("-0").id());
        assertEquals(new CommandId("123456789012345678901234567890"), ping("123456789012345678901234567890").id());
    }

    @Test
    void normalisesStringIdEscapesSoThatTheEchoedIdIsTheSameString() throws Exception {
        Command.Ping ping = ping("\"\\u0041\\\"b\\\\c\\u0001\u00e9\"");
        assertEquals("\"A\\\"b\\\\c\\u0001\u00e9\"", ping.id().json());
        byte[] reply = codec.encode(new Reply.Ok(ping.id()));
        assertEquals("A\"b\\c\u0001\u00e9", new ObjectMapper().readTree(reply).get("id").textValue());
    }

    @Test
    void errorMessagesNeverEchoClientText() {
        List<String> frames = List.of(
                "{\"type\":\"EVIL\",\"id\":1}",
                "{\"type\":\"subscribe\",\"id\":1,\"topic\":\"EVIL <script>\"}",
                "{\"type\":\"auth\",\"id\":1,\"token\":\"\",\"EVIL\":1,\"EVIL\":2}",
                "{\"type\":\"ping\",\"id\":1} EVIL",
                "{\"EVIL\":EVIL}");
        for (String frame : frames) {
            Malformed malformed = assertInstanceOf(Malformed.class, decode(frame));
            assertFalse(malformed.message().contains("EVIL"), malformed.message());
        }
    }

    @Test
    void malformedTurnsIntoAnErrorReplyThatEchoesTheId() {
        Malformed malformed = assertInstanceOf(Malformed.class, decode("{\"type\":\"nope\",\"id\":\"r1\"}"));
        assertEquals("{\"type\":\"error\",\"id\":\"r1\",\"code\":\"unknown_type\",\"message\":\"unknown command type\"}",
                new String(codec.encode(malformed.toReply()), StandardCharsets.UTF_8));
    }

    private Command.Ping ping(String idJson) {
        return assertInstanceOf(Command.Ping.class, decode("{\"type\":\"ping\",\"id\":" + idJson + "}"));
    }

    private Inbound decode(String frame) {
        return codec.decode(utf8(frame));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
