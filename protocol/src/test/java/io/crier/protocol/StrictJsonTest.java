package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link StrictJson#isObject}: exactly one JSON object, read as strictly as a frame, or false; {@link StrictJson#isValue}:
 * exactly one JSON value of any kind, by the same rules.
 */
class StrictJsonTest {

    @Test
    void acceptsOneObjectWithWhitespaceInsideAndAround() {
        for (String json : List.of("{}", "{\"a\":1}", " \r\n\t{ \"a\" : [1, {\"b\":null}], \"c\":\"\\u0000\" } \n",
                "{\"name\":\"Zoë\",\"emoji\":\"\uD83D\uDE00\",\"n\":-1.5e300}")) {
            assertTrue(StrictJson.isObject(utf8(json)), json);
        }
    }

    @Test
    void refusesADuplicateFieldNameAtAnyDepth() {
        for (String json : List.of("{\"a\":1,\"a\":1}", "{\"a\":1,\"b\":2,\"a\":3}", "{\"x\":{\"a\":1,\"a\":2}}",
                "{\"x\":[1,{\"y\":[{\"a\":1,\"a\":2}]}]}", "{\"a\":1,\"\\u0061\":2}")) {
            assertFalse(StrictJson.isObject(utf8(json)), json);
        }
    }

    @Test
    void refusesAnythingButAnObject() {
        for (String json : List.of("", " ", "[]", "[{}]", "\"{}\"", "1", "null", "true")) {
            assertFalse(StrictJson.isObject(utf8(json)), json);
        }
    }

    @Test
    void refusesTrailingDataOrASecondValue() {
        for (String json : List.of("{} {}", "{}x", "{},", "{}]", "{} null", "{}\u0000")) {
            assertFalse(StrictJson.isObject(utf8(json)), json);
        }
    }

    @Test
    void refusesWhatIsNotStrictJson() {
        for (String json : List.of("{'a':1}", "{a:1}", "{\"a\":1,}", "{\"a\":NaN}", "{\"a\":01}", "{/*c*/}",
                "{\"a\":\"\t\"}", "{\"a\":1", "{\"a\":" + "9".repeat(1001) + "}")) {
            assertFalse(StrictJson.isObject(utf8(json)), json);
        }
    }

    @Test
    void refusesAByteOrderMarkInvalidUtf8AndNul() {
        assertFalse(StrictJson.isObject(bytes(0xEF, 0xBB, 0xBF, '{', '}')));
        assertFalse(StrictJson.isObject(bytes('{', '"', 'a', '"', ':', '"', 0xFF, '"', '}')));
        assertFalse(StrictJson.isObject(bytes('{', '"', 'a', '"', ':', '"', 0xC0, 0xAF, '"', '}')));
        assertFalse(StrictJson.isObject(bytes('{', '"', 'a', '"', ':', '"', 0xED, 0xA0, 0x80, '"', '}')));
        assertFalse(StrictJson.isObject(bytes('{', 0, '}')));
        assertFalse(StrictJson.isObject(bytes(0, '{', 0, '}')), "UTF-16 is never guessed");
    }

    @Test
    void boundsNestingAsFramesDo() {
        int deepest = StrictJson.MAX_NESTING_DEPTH;

        assertTrue(StrictJson.isObject(inObject("[".repeat(deepest - 1) + "]".repeat(deepest - 1))));
        assertFalse(StrictJson.isObject(inObject("[".repeat(deepest) + "]".repeat(deepest))));
    }

    @Test
    void refusesNull() {
        assertThrows(NullPointerException.class, () -> StrictJson.isObject(null));
        assertThrows(NullPointerException.class, () -> StrictJson.isValue(null));
    }

    @Test
    void isValueAcceptsOneValueOfEveryKind() {
        for (String json : List.of("{}", "[]", " [1, {\"b\":null}] ", "\"Zoë\"", "-1.5e300", "0", "true", "false",
                "null", "{\"name\":\"Alice\",\"tags\":[\"a\"]}", "12345678901234567890")) {
            assertTrue(StrictJson.isValue(utf8(json)), json);
        }
    }

    @Test
    void isValueRefusesTwoValuesAndWhatWouldSpillIntoTheObjectItIsWrittenIn() {
        for (String json : List.of("", " ", "1 2", "1,\"sub\":\"admin\"", "{}}", "\"a\"]", "null,", "1x", "{\"a\":1",
                "\"a\" \"b\"")) {
            assertFalse(StrictJson.isValue(utf8(json)), json);
        }
    }

    @Test
    void isValueReadsAsStrictlyAsIsObject() {
        for (String json : List.of("{\"a\":1,\"a\":2}", "[{\"x\":{\"a\":1,\"a\":2}}]", "NaN", "01", "'a'", "\"\t\"",
                "9".repeat(1001))) {
            assertFalse(StrictJson.isValue(utf8(json)), json);
        }
        assertFalse(StrictJson.isValue(bytes(0xEF, 0xBB, 0xBF, '1')));
        assertFalse(StrictJson.isValue(bytes('"', 0xFF, '"')));
        assertFalse(StrictJson.isValue(bytes('"', 0, '"')));
        int deepest = StrictJson.MAX_NESTING_DEPTH;
        assertTrue(StrictJson.isValue(utf8("[".repeat(deepest) + "]".repeat(deepest))));
        assertFalse(StrictJson.isValue(utf8("[".repeat(deepest + 1) + "]".repeat(deepest + 1))));
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"x":<value>}}: the object is one level, so the value may nest one level less. */
    private static byte[] inObject(String value) {
        return utf8("{\"x\":" + value + "}");
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
