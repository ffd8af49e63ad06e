package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The broker payload {@code {"data":<value>}}: exact bytes both ways, unknown fields, bad payloads. */
class PublicationCodecTest {

    private static final int MAX_PAYLOAD_BYTES = 256;

    private final PublicationCodec codec = new PublicationCodec(MAX_PAYLOAD_BYTES);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"a\":[1,{\"b\":null}]}", "[]", "\"caf\u00e9 \\\"q\\\"\"", "-0.5e-3", "true", "false", "null"})
    void roundTripsEveryKindOfValue(String data) throws MalformedPublicationException {
        RawJson value = RawJson.trusted(data);
        byte[] payload = codec.encode(value);
        assertEquals("{\"data\":" + data + "}", new String(payload, StandardCharsets.UTF_8));
        assertEquals(value, codec.decodeData(payload));
    }

    @Test
    void ignoresUnknownFieldsBeforeAndAfterData() throws MalformedPublicationException {
        String payload = "{\"seq\":12,\"meta\":{\"a\":[1,{\"b\":2}]},\"data\":{\"x\":1},\"id\":\"abc\"}";
        assertEquals(RawJson.trusted("{\"x\":1}"), decode(payload));
    }

    @Test
    void keepsInnerWhitespaceOfDataButNotTheWhitespaceAroundIt() throws MalformedPublicationException {
        String payload = " \n{ \"data\" :\t{ \"a\" : [ 1 ,2 ] }\n , \"x\" : 2 } \r\n";
        assertEquals(RawJson.trusted("{ \"a\" : [ 1 ,2 ] }"), decode(payload));
        assertEquals(RawJson.trusted("\" s \""), decode("{\"data\":  \" s \"  }"));
        assertEquals(RawJson.trusted("42"), decode("{\"data\":42}"));
    }

    @Test
    void acceptsAPayloadOfExactlyTheLimit() throws MalformedPublicationException {
        String data = "\"" + "x".repeat(MAX_PAYLOAD_BYTES - 11) + "\"";
        String payload = "{\"data\":" + data + "}";
        assertEquals(MAX_PAYLOAD_BYTES, payload.length());
        assertEquals(RawJson.trusted(data), decode(payload));
    }

    @Test
    void defaultsToOneMebibyteLimit() {
        assertEquals(1 << 20, new PublicationCodec().maxPayloadBytes());
    }

    static Stream<Arguments> malformedPayloads() {
        return Stream.of(
                row("empty payload", "", "payload must be a JSON object"),
                row("whitespace only", "  ", "payload must be a JSON object"),
                row("array", "[{\"data\":1}]", "payload must be a JSON object"),
                row("string", "\"data\"", "payload must be a JSON object"),
                row("number", "1", "payload must be a JSON object"),
                row("plain text", "hello", "payload is not valid JSON"),
                row("syntax error", "{\"data\":}", "payload is not valid JSON"),
                row("unterminated object", "{\"data\":1", "payload is not valid JSON"),
                row("trailing object", "{\"data\":1}{}", "trailing data after the JSON object"),
                row("trailing garbage", "{\"data\":1} x", "payload is not valid JSON"),
                row("no data field", "{\"datum\":1}", "missing field 'data'"),
                row("empty object", "{}", "missing field 'data'"),
                row("duplicate data field", "{\"data\":1,\"data\":2}", "duplicate field name"),
                row("duplicate field inside data", "{\"data\":{\"a\":1,\"a\":2}}", "duplicate field name"),
                row("nesting too deep", "{\"data\":" + "[".repeat(70) + "]".repeat(70) + "}",
                        "payload nests JSON too deeply or has a value too long"),
                row("larger than the limit", "{\"data\":\"" + "x".repeat(MAX_PAYLOAD_BYTES) + "\"}",
                        "payload is larger than 256 bytes"),
                Arguments.of("invalid UTF-8", new byte[] {'{', '"', 'd', 'a', 't', 'a', '"', ':', '"', (byte) 0xFE, '"', '}'},
                        "payload is not valid UTF-8"),
                Arguments.of("NUL byte", new byte[] {'{', '"', 'd', 'a', 't', 'a', '"', ':', '1', '}', 0},
                        "payload is not valid UTF-8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPayloads")
    void rejectsMalformedPayloadWithItsReason(String kind, byte[] payload, String reason) {
        MalformedPublicationException failure =
                assertThrows(MalformedPublicationException.class, () -> codec.decodeData(payload));
        assertEquals(reason, failure.getMessage());
    }

    private RawJson decode(String payload) throws MalformedPublicationException {
        return codec.decodeData(payload.getBytes(StandardCharsets.UTF_8));
    }

    private static Arguments row(String kind, String payload, String reason) {
        return Arguments.of(kind, payload.getBytes(StandardCharsets.UTF_8), reason);
    }
}
