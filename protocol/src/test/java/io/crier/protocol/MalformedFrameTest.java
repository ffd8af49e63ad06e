package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of malformed frame, each with the error code it must get and the id the error reply must
 * echo ({@code null} when none could be read).
 */
class MalformedFrameTest {

    /** Small, so that the "data too large" row stays readable. */
    private static final int MAX_DATA_BYTES = 16;

    private final EnvelopeCodec codec = new EnvelopeCodec(MAX_DATA_BYTES);

    static Stream<Arguments> frames() {
        return Stream.of(
                // bad JSON
                row("syntax error after the id", "{\"type\":\"ping\",\"id\":1", ErrorCode.BAD_JSON, "1"),
                row("syntax error before the id", "{\"type\":\"ping\" \"id\":1}", ErrorCode.BAD_JSON, null),
                row("unquoted field name", "{type:\"ping\",\"id\":1}", ErrorCode.BAD_JSON, null),
                row("single-quoted string", "{\"type\":'ping',\"id\":1}", ErrorCode.BAD_JSON, null),
                row("unescaped control character", "{\"id\":1,\"type\":\"pi\u0001ng\"}", ErrorCode.BAD_JSON, "1"),
                row("NaN as data", "{\"id\":1,\"type\":\"publish\",\"topic\":\"t\",\"data\":NaN}",
                        ErrorCode.BAD_JSON, "1"),
                row("trailing garbage", "{\"type\":\"ping\",\"id\":1} x", ErrorCode.BAD_JSON, "1"),
                row("two objects in one frame", "{\"type\":\"ping\",\"id\":1}{}", ErrorCode.BAD_JSON, "1"),
                row("array instead of object", "[{\"type\":\"ping\",\"id\":1}]", ErrorCode.BAD_JSON, null),
                row("string instead of object", "\"ping\"", ErrorCode.BAD_JSON, null),
                row("number instead of object", "42", ErrorCode.BAD_JSON, null),
                row("null instead of object", "null", ErrorCode.BAD_JSON, null),
                row("empty frame", "", ErrorCode.BAD_JSON, null),
                row("whitespace only", " \n\t ", ErrorCode.BAD_JSON, null),
                row("invalid UTF-8 byte", bytes("{\"type\":\"ping\",\"id\":\"", 0xFF, "\"}"), ErrorCode.BAD_JSON, null),
                row("overlong UTF-8", bytes("{\"type\":\"ping\",\"id\":\"", 0xC0, 0xAF, "\"}"), ErrorCode.BAD_JSON, null),
                row("UTF-8 encoded surrogate", bytes("{\"type\":\"ping\",\"id\":\"", 0xED, 0xA0, 0x80, "\"}"),
                        ErrorCode.BAD_JSON, null),
                row("truncated UTF-8 sequence", bytes("{\"type\":\"ping\",\"id\":\"", 0xE2, 0x82), ErrorCode.BAD_JSON, null),
                row("NUL byte", bytes("{\"type\":\"ping\",\"id\":1}", 0x00), ErrorCode.BAD_JSON, null),
                row("UTF-16 text", "{\"type\":\"ping\",\"id\":1}".getBytes(StandardCharsets.UTF_16LE),
                        ErrorCode.BAD_JSON, null),
                row("nesting too deep", "{\"id\":1,\"type\":\"publish\",\"topic\":\"t\",\"data\":"
                        + "[".repeat(100) + "]".repeat(100) + "}", ErrorCode.TOO_LARGE, "1"),
                // type
                row("missing type", "{\"id\":1}", ErrorCode.MISSING_FIELD, "1"),
                row("type is a number", "{\"type\":1,\"id\":1}", ErrorCode.INVALID_FIELD, "1"),
                row("type is null", "{\"type\":null,\"id\":1}", ErrorCode.INVALID_FIELD, "1"),
                row("type is an array", "{\"type\":[\"ping\"],\"id\":1}", ErrorCode.INVALID_FIELD, "1"),
                row("unknown type", "{\"type\":\"pong\",\"id\":1}", ErrorCode.UNKNOWN_TYPE, "1"),
                row("type in the wrong case", "{\"type\":\"PING\",\"id\":1}", ErrorCode.UNKNOWN_TYPE, "1"),
                // id
                row("missing id", "{\"type\":\"ping\"}", ErrorCode.MISSING_FIELD, null),
                row("id is a fraction", "{\"type\":\"ping\",\"id\":1.5}", ErrorCode.INVALID_FIELD, null),
                row("id has an exponent", "{\"type\":\"ping\",\"id\":1e3}", ErrorCode.INVALID_FIELD, null),
                row("id is an object", "{\"type\":\"ping\",\"id\":{\"n\":1}}", ErrorCode.INVALID_FIELD, null),
                row("id is an array", "{\"type\":\"ping\",\"id\":[1]}", ErrorCode.INVALID_FIELD, null),
                row("id is a boolean", "{\"type\":\"ping\",\"id\":true}", ErrorCode.INVALID_FIELD, null),
                row("id is null", "{\"type\":\"ping\",\"id\":null}", ErrorCode.INVALID_FIELD, null),
                row("id is an empty string", "{\"type\":\"ping\",\"id\":\"\"}", ErrorCode.INVALID_FIELD, null),
                row("id string of 65 characters", "{\"type\":\"ping\",\"id\":\"" + "a".repeat(65) + "\"}",
                        ErrorCode.INVALID_FIELD, null),
                row("id integer of 65 digits", "{\"type\":\"ping\",\"id\":" + "9".repeat(65) + "}",
                        ErrorCode.INVALID_FIELD, null),
                // topic
                row("subscribe without topic", "{\"type\":\"subscribe\",\"id\":2}", ErrorCode.MISSING_FIELD, "2"),
                row("unsubscribe without topic", "{\"type\":\"unsubscribe\",\"id\":3}", ErrorCode.MISSING_FIELD, "3"),
                row("publish without topic", "{\"type\":\"publish\",\"id\":4,\"data\":1}", ErrorCode.MISSING_FIELD, "4"),
                row("topic is a number", "{\"type\":\"subscribe\",\"id\":2,\"topic\":5}", ErrorCode.INVALID_FIELD, "2"),
                row("topic is null", "{\"type\":\"subscribe\",\"id\":2,\"topic\":null}", ErrorCode.INVALID_FIELD, "2"),
                row("topic of 201 characters", "{\"type\":\"subscribe\",\"id\":2,\"topic\":\"" + "t".repeat(201) + "\"}",
                        ErrorCode.BAD_TOPIC, "2"),
                row("topic with a space", "{\"type\":\"subscribe\",\"id\":2,\"topic\":\"news feed\"}",
                        ErrorCode.BAD_TOPIC, "2"),
                row("topic with a slash", "{\"type\":\"unsubscribe\",\"id\":3,\"topic\":\"news/1\"}",
                        ErrorCode.BAD_TOPIC, "3"),
                row("topic with a non-ASCII letter", "{\"type\":\"publish\",\"id\":4,\"topic\":\"caf\u00e9\",\"data\":1}",
                        ErrorCode.BAD_TOPIC, "4"),
                row("empty topic", "{\"type\":\"subscribe\",\"id\":2,\"topic\":\"\"}", ErrorCode.BAD_TOPIC, "2"),
                row("bad topic with the id last", "{\"type\":\"subscribe\",\"topic\":\"a b\",\"id\":\"x\"}",
                        ErrorCode.BAD_TOPIC, "\"x\""),
                // token
                row("token is null", "{\"type\":\"auth\",\"id\":1,\"token\":null}", ErrorCode.INVALID_FIELD, "1"),
                row("token is an object", "{\"type\":\"auth\",\"id\":1,\"token\":{}}", ErrorCode.INVALID_FIELD, "1"),
                row("refresh without token", "{\"type\":\"refresh\",\"id\":7}", ErrorCode.MISSING_FIELD, "7"),
                row("refresh token is a number", "{\"type\":\"refresh\",\"id\":7,\"token\":42}",
                        ErrorCode.INVALID_FIELD, "7"),
                row("refresh token is empty", "{\"type\":\"refresh\",\"id\":7,\"token\":\"\"}",
                        ErrorCode.INVALID_FIELD, "7"),
                row("refresh token of 8193 characters",
                        "{\"type\":\"refresh\",\"id\":7,\"token\":\"" + "t".repeat(8193) + "\"}",
                        ErrorCode.INVALID_FIELD, "7"),
                row("refresh without id", "{\"type\":\"refresh\",\"token\":\"t\"}", ErrorCode.MISSING_FIELD, null),
                row("token is a number", "{\"type\":\"auth\",\"id\":1,\"token\":42}", ErrorCode.INVALID_FIELD, "1"),
                row("token is empty", "{\"type\":\"auth\",\"id\":1,\"token\":\"\"}", ErrorCode.INVALID_FIELD, "1"),
                row("token of 8193 characters", "{\"type\":\"auth\",\"id\":1,\"token\":\"" + "t".repeat(8193) + "\"}",
                        ErrorCode.INVALID_FIELD, "1"),
                // data
                row("publish without data", "{\"type\":\"publish\",\"id\":4,\"topic\":\"news\"}",
                        ErrorCode.MISSING_FIELD, "4"),
                row("data one byte too large", "{\"type\":\"publish\",\"id\":4,\"topic\":\"news\",\"data\":\""
                        + "x".repeat(MAX_DATA_BYTES - 1) + "\"}", ErrorCode.TOO_LARGE, "4"),
                // since (subscribe and history)
                row("since is a number", "{\"type\":\"subscribe\",\"id\":2,\"topic\":\"news\",\"since\":5}",
                        ErrorCode.INVALID_FIELD, "2"),
                row("since is null", "{\"type\":\"subscribe\",\"id\":2,\"topic\":\"news\",\"since\":null}",
                        ErrorCode.INVALID_FIELD, "2"),
                row("since is an array", "{\"type\":\"history\",\"id\":3,\"topic\":\"news\",\"since\":[5,\"abc\"]}",
                        ErrorCode.INVALID_FIELD, "3"),
                row("since without offset", since("{\"epoch\":\"abc\"}"), ErrorCode.MISSING_FIELD, "2"),
                row("since without epoch", since("{\"offset\":5}"), ErrorCode.MISSING_FIELD, "2"),
                row("since is empty", since("{}"), ErrorCode.MISSING_FIELD, "2"),
                row("negative offset", since("{\"offset\":-1,\"epoch\":\"abc\"}"), ErrorCode.INVALID_FIELD, "2"),
                row("fractional offset", since("{\"offset\":5.0,\"epoch\":\"abc\"}"), ErrorCode.INVALID_FIELD, "2"),
                row("offset as a string", since("{\"offset\":\"5\",\"epoch\":\"abc\"}"), ErrorCode.INVALID_FIELD, "2"),
                row("offset beyond a long", since("{\"offset\":9223372036854775808,\"epoch\":\"abc\"}"),
                        ErrorCode.INVALID_FIELD, "2"),
                row("epoch is a number", since("{\"offset\":5,\"epoch\":7}"), ErrorCode.INVALID_FIELD, "2"),
                row("epoch is empty", since("{\"offset\":5,\"epoch\":\"\"}"), ErrorCode.INVALID_FIELD, "2"),
                row("epoch with a space", since("{\"offset\":5,\"epoch\":\"a b\"}"), ErrorCode.INVALID_FIELD, "2"),
                row("epoch with a quote", since("{\"offset\":5,\"epoch\":\"a\\\"b\"}"), ErrorCode.INVALID_FIELD, "2"),
                row("epoch of 65 characters", since("{\"offset\":5,\"epoch\":\"" + "e".repeat(65) + "\"}"),
                        ErrorCode.INVALID_FIELD, "2"),
                row("bad offset and missing epoch", since("{\"offset\":-1}"), ErrorCode.INVALID_FIELD, "2"),
                row("duplicate offset in since", since("{\"offset\":5,\"offset\":6,\"epoch\":\"abc\"}"),
                        ErrorCode.INVALID_FIELD, "2"),
                row("bad topic before bad since", "{\"type\":\"subscribe\",\"id\":2,\"topic\":\"a b\",\"since\":5}",
                        ErrorCode.BAD_TOPIC, "2"),
                // history
                row("history without topic", "{\"type\":\"history\",\"id\":3}", ErrorCode.MISSING_FIELD, "3"),
                row("limit of 0", history("0"), ErrorCode.INVALID_FIELD, "3"),
                row("limit of 1001", history("1001"), ErrorCode.INVALID_FIELD, "3"),
                row("negative limit", history("-5"), ErrorCode.INVALID_FIELD, "3"),
                row("fractional limit", history("2.5"), ErrorCode.INVALID_FIELD, "3"),
                row("limit as a string", history("\"10\""), ErrorCode.INVALID_FIELD, "3"),
                row("limit beyond an int", history("4294967296"), ErrorCode.INVALID_FIELD, "3"),
                row("limit is null", history("null"), ErrorCode.INVALID_FIELD, "3"),
                // presence
                row("presence without topic", "{\"type\":\"presence\",\"id\":4}", ErrorCode.MISSING_FIELD, "4"),
                row("presence with a bad topic", "{\"type\":\"presence\",\"id\":4,\"topic\":\"*\"}",
                        ErrorCode.BAD_TOPIC, "4"),
                row("countOnly as a string",
                        "{\"type\":\"presence\",\"id\":4,\"topic\":\"chat:lobby\",\"countOnly\":\"true\"}",
                        ErrorCode.INVALID_FIELD, "4"),
                row("countOnly as a number",
                        "{\"type\":\"presence\",\"id\":4,\"topic\":\"chat:lobby\",\"countOnly\":1}",
                        ErrorCode.INVALID_FIELD, "4"),
                // duplicates
                row("duplicate id", "{\"type\":\"ping\",\"id\":1,\"id\":2}", ErrorCode.INVALID_FIELD, "1"),
                row("duplicate type", "{\"id\":1,\"type\":\"ping\",\"type\":\"ping\"}", ErrorCode.INVALID_FIELD, "1"),
                row("duplicate unknown field", "{\"id\":1,\"x\":1,\"type\":\"ping\",\"x\":2}", ErrorCode.INVALID_FIELD, "1"),
                row("duplicate field inside data",
                        "{\"type\":\"publish\",\"id\":4,\"topic\":\"news\",\"data\":{\"a\":1,\"a\":2}}",
                        ErrorCode.INVALID_FIELD, "4"),
                row("duplicate field in an object inside an array inside data",
                        "{\"type\":\"publish\",\"id\":4,\"topic\":\"news\",\"data\":[1,{\"b\":{\"a\":1,\"a\":2}}]}",
                        ErrorCode.INVALID_FIELD, "4"),
                row("duplicate field deep in an unknown field",
                        "{\"id\":5,\"x\":{\"y\":[{\"a\":1,\"a\":2}]},\"type\":\"ping\"}", ErrorCode.INVALID_FIELD, "5"),
                row("duplicate unknown field after a nested value",
                        "{\"id\":6,\"type\":\"ping\",\"x\":{\"a\":1},\"x\":2}", ErrorCode.INVALID_FIELD, "6"),
                row("duplicate topic after data",
                        "{\"type\":\"publish\",\"id\":7,\"topic\":\"news\",\"data\":{\"topic\":1},\"topic\":\"x\"}",
                        ErrorCode.INVALID_FIELD, "7"));
    }

    private static String since(String since) {
        return "{\"type\":\"subscribe\",\"id\":2,\"topic\":\"news\",\"since\":" + since + "}";
    }

    private static String history(String limit) {
        return "{\"type\":\"history\",\"id\":3,\"topic\":\"news\",\"limit\":" + limit + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void answersMalformedFrameWithItsOwnErrorCodeAndTheIdWhenReadable(
            String kind, byte[] frame, ErrorCode code, String id) {
        Malformed malformed = assertInstanceOf(Malformed.class, codec.decode(frame));
        assertEquals(code, malformed.code(), () -> kind + ": " + malformed.message());
        assertEquals(id, malformed.id() == null ? null : malformed.id().json());
        assertFalse(malformed.message().isBlank());
        assertTrue(malformed.message().length() < 123, "a message stays short");
    }

    private static Arguments row(String kind, String frame, ErrorCode code, String id) {
        return row(kind, frame.getBytes(StandardCharsets.UTF_8), code, id);
    }

    private static Arguments row(String kind, byte[] frame, ErrorCode code, String id) {
        return Arguments.of(kind, frame, code, id);
    }

    /** Concatenates text (as UTF-8) and raw byte values given as ints. */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String text) {
                out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }
}
