package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict JSON parser behind JWKS documents. */
class JwksJsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object parsed = JwksJson.parse(" {\"s\":\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\",\"n\":-12.5e2,\"z\":0,"
                + "\"t\":true,\"f\":false,\"nil\":null,\"arr\":[1,[],{}],\"obj\":{\"k\":\"v\"}}\n");

        Map<?, ?> object = (Map<?, ?>) parsed;
        assertEquals("a\"b\\c/\né\uD83D\uDE00", object.get("s"));
        assertEquals(new BigDecimal("-12.5e2"), object.get("n"));
        assertEquals(BigDecimal.ZERO, object.get("z"));
        assertEquals(Boolean.TRUE, object.get("t"));
        assertEquals(Boolean.FALSE, object.get("f"));
        assertSame(JwksJson.NULL, object.get("nil"));
        assertEquals(List.of(BigDecimal.ONE, List.of(), Map.of()), object.get("arr"));
        assertEquals(Map.of("k", "v"), object.get("obj"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "{", "{\"a\":1", "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\" 1}", "{a:1}", "{\"a\":1}x",
        "{\"a\":1,\"a\":2}", "01", "-", "1.", "1e", "+1", ".5", "tru", "nul", "\"abc", "\"a\u0001b\"",
        "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\ud83d\"", "\"\\ude00x\"", "// c\n{}", "{} {}", "'a'", "NaN",
        "1e999999999999"
    })
    void refusesMalformedDocuments(String text) {
        assertThrows(IllegalArgumentException.class, () -> JwksJson.parse(text));
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        String deepest = "[".repeat(JwksJson.MAX_DEPTH + 1) + "]".repeat(JwksJson.MAX_DEPTH + 1);
        String ok = "[".repeat(JwksJson.MAX_DEPTH) + "]".repeat(JwksJson.MAX_DEPTH);

        assertEquals(List.of(), unwrap(JwksJson.parse(ok), JwksJson.MAX_DEPTH - 1));
        assertThrows(IllegalArgumentException.class, () -> JwksJson.parse(deepest));
    }

    @Test
    void returnsUnmodifiableCollections() {
        Map<?, ?> object = (Map<?, ?>) JwksJson.parse("{\"keys\":[1]}");

        assertThrows(UnsupportedOperationException.class, object::clear);
        assertThrows(UnsupportedOperationException.class, ((List<?>) object.get("keys"))::clear);
    }

    private static Object unwrap(Object value, int levels) {
        Object current = value;
        for (int i = 0; i < levels; i++) {
            current = ((List<?>) current).get(0);
        }
        return current;
    }
}
