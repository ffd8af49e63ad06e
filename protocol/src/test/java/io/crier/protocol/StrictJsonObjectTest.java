package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link StrictJsonObject}: read in one pass, refused exactly when {@link StrictJson#isObject} refuses, with
 * members as plain values, and written back as a Jackson tree writes the same JSON.
 */
class StrictJsonObjectTest {

    private static final int DEEPEST = StrictJson.MAX_NESTING_DEPTH;

    @Test
    void refusesExactlyWhatIsObjectRefuses() {
        List<byte[]> inputs = new ArrayList<>();
        for (String json : List.of("{}", "{\"a\":1}", " \r\n\t{ \"a\" : [1, {\"b\":null}], \"c\":\"\\u0000\" } \n",
                "{\"a\":1,\"a\":1}", "{\"x\":[1,{\"y\":[{\"a\":1,\"a\":2}]}]}", "{\"a\":1,\"\\u0061\":2}", "", " ",
                "[]", "\"{}\"", "1", "null", "{} {}", "{}x", "{},", "{}\u0000", "{'a':1}", "{a:1}", "{\"a\":1,}",
                "{\"a\":NaN}", "{\"a\":01}", "{/*c*/}", "{\"a\":\"\t\"}", "{\"a\":1",
                "{\"a\":" + "9".repeat(1000) + "}", "{\"a\":" + "9".repeat(1001) + "}",
                "{\"x\":" + "[".repeat(DEEPEST - 1) + "]".repeat(DEEPEST - 1) + "}",
                "{\"x\":" + "[".repeat(DEEPEST) + "]".repeat(DEEPEST) + "}")) {
            inputs.add(json.getBytes(StandardCharsets.UTF_8));
        }
        inputs.add(bytes(0xEF, 0xBB, 0xBF, '{', '}'));
        inputs.add(bytes('{', '"', 'a', '"', ':', '"', 0xFF, '"', '}'));
        inputs.add(bytes('{', '"', 'a', '"', ':', '"', 0xED, 0xA0, 0x80, '"', '}'));
        inputs.add(bytes('{', 0, '}'));
        for (byte[] input : inputs) {
            String shown = new String(input, StandardCharsets.UTF_8);
            assertEquals(StrictJson.isObject(input), StrictJsonObject.read(input) != null, shown);
        }
    }

    @Test
    void givesEachMemberAsAPlainValue() {
        StrictJsonObject object = StrictJsonObject.read(utf8("{\"s\":\"Zoë\",\"i\":-7,\"big\":99999999999999999999,"
                + "\"f\":1.5e9,\"t\":true,\"n\":null,\"a\":[\"x\",1,[2]],\"o\":{\"k\":false}}"));

        assertNotNull(object);
        assertEquals("Zoë", object.get("s"));
        assertEquals(-7L, object.get("i"));
        assertEquals(new BigInteger("99999999999999999999"), object.get("big"));
        assertEquals(1.5e9, object.get("f"));
        assertEquals(Boolean.TRUE, object.get("t"));
        assertSame(StrictJsonObject.NULL, object.get("n"));
        assertEquals(List.of("x", 1L, List.of(2L)), object.get("a"));
        assertEquals(Map.of("k", false), object.get("o"));
        assertTrue(object.has("n"));
        assertFalse(object.has("missing"));
        assertNull(object.get("missing"));
    }

    @Test
    void writesAValueAsAJacksonTreeWritesTheSameJson() throws Exception {
        ObjectMapper jackson = new ObjectMapper();
        for (String value : List.of("{\"name\":\"Zoë \\\"Z\\\"\",\"tags\":[1,true,null]}", "\"moderator\"",
                "{ \"b\" : 1.0, \"a\" : [ -0, 1e2, 12345678901234567890123, \"\\u00e9\\ud83d\\ude00\\n\\u0001\" ] }",
                "[]", "{}", "-1.5e300", "false")) {
            StrictJsonObject object = StrictJsonObject.read(utf8("{\"v\":" + value + "}"));

            assertNotNull(object, value);
            assertEquals(jackson.readTree(value).toString(), StrictJsonObject.json(object.get("v")), value);
        }
    }

    @Test
    void refusesNullInputAndWritesOnlyItsOwnValues() {
        assertThrows(NullPointerException.class, () -> StrictJsonObject.read(null));
        assertThrows(IllegalArgumentException.class, () -> StrictJsonObject.json(new Object()));
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
