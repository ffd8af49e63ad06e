package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JWKS documents into keys: what is read, what is skipped, and every way a document is refused whole. */
class JwksCodecTest {

    private final JwksCodec codec = new JwksCodec();

    @Test
    void readsTheKeysMembersWithEveryEscapeAndSkipsMembersOfEveryKindOfValue() {
        JwkSet set = decode(" {\"keys\":[{\"kid\":\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\",\"kty\":\"RSA\","
                + "\"num\":-12.5e2,\"z\":0,\"t\":true,\"f\":false,\"nil\":null,\"arr\":[1,[],{}],\"obj\":{\"k\":\"v\"},"
                + "\"x5c\":[\"MIIB\"]}],\"other\":{\"keys\":1}}\n");

        assertEquals(List.of(new Jwk(Map.of("kid", "a\"b\\c/\né\uD83D\uDE00", "kty", "RSA"))), set.keys());
        assertEquals(0, set.unreadable());
    }

    @Test
    void readsEveryMemberAVerifierNeeds() {
        JwkSet set = decode("{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"r\",\"n\":\"AQAB\","
                + "\"e\":\"AQAB\"},{\"kty\":\"EC\",\"kid\":\"e\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"BB\"},{}]}");

        Jwk rsa = set.keys().get(0);
        Jwk ec = set.keys().get(1);
        assertEquals(List.of("RSA", "sig", "RS256", "r", "AQAB", "AQAB"),
                List.of(rsa.member("kty"), rsa.member("use"), rsa.member("alg"), rsa.member("kid"), rsa.member("n"),
                        rsa.member("e")));
        assertEquals(List.of("EC", "e", "P-256", "AA", "BB"),
                List.of(ec.member("kty"), ec.member("kid"), ec.member("crv"), ec.member("x"), ec.member("y")));
        assertNull(ec.member("use"));
        assertEquals(Map.of(), set.keys().get(2).members());
    }

    @Test
    void countsEntriesThatAreNotKeysAndKeepsTheOthersInOrder() {
        JwkSet set = decode("{\"keys\":[{\"kid\":\"1\"},42,\"k\",null,[],{\"kid\":7},{\"kty\":null},"
                + "{\"use\":{\"sig\":true}},{\"kid\":\"2\",\"ext\":7}]}");

        assertEquals(List.of("1", "2"), set.keys().stream().map(key -> key.member("kid")).toList());
        assertEquals(7, set.unreadable());
        assertEquals(9, set.entries());
    }

    @Test
    void anEmptyKeysArrayIsAnEmptySet() {
        JwkSet set = decode("{\"keys\":[]}");

        assertEquals(0, set.entries());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", "{\"keys\":{}}", "{\"keys\":null}", "{\"keys\":\"[]\"}", "{\"Keys\":[]}",
        "{\"k\":{\"keys\":[]}}", "[{\"keys\":[]}]", "\"keys\"", "null", "1"})
    void refusesADocumentWithoutAKeysArray(String text) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> decode(text));

        assertEquals("not a JWKS: no \"keys\" array", refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "{", "{\"a\":1", "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\" 1}", "{a:1}", "{\"a\":1}x",
        "{\"a\":1,\"a\":2}", "01", "-", "1.", "1e", "+1", ".5", "tru", "nul", "\"abc", "\"a\u0001b\"",
        "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\ud83d\"", "\"\\ude00x\"", "// c\n{}", "{} {}", "'a'", "NaN",
        "1e999999999999"
    })
    void refusesMalformedDocuments(String text) {
        assertThrows(IllegalArgumentException.class, () -> decode(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "{", "{\"a\":1", "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\" 1}", "{a:1}", "{\"a\":1}x",
        "{\"a\":1,\"a\":2}", "01", "-", "1.", "1e", "+1", ".5", "tru", "nul", "\"abc", "\"a\u0001b\"",
        "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\ud83d\"", "\"\\ude00x\"", "// c\n{}", "{} {}", "'a'", "NaN",
        "1e999999999999"
    })
    void refusesTheSameMistakesInAMemberNoOneReads(String text) {
        String document = "{\"keys\":[{\"kty\":\"RSA\",\"ext\":" + text + "}]}";

        assertThrows(IllegalArgumentException.class, () -> decode(document), document);
    }

    @Test
    void refusesARepeatedNameAtAnyDepth() {
        for (String text : List.of("{\"keys\":[],\"keys\":[]}", "{\"keys\":[{\"kid\":\"a\",\"kid\":\"b\"}]}",
                "{\"keys\":[{\"ext\":{\"a\":1,\"a\":1}}]}", "{\"keys\":[],\"x\":[{\"a\":1,\"\\u0061\":2}]}")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> decode(text));
            assertTrue(refused.getMessage().endsWith("repeated member name"), refused.getMessage());
        }
    }

    @Test
    void refusesALoneSurrogateInAValueReadOrNotAndInAName() {
        for (String text : List.of("{\"keys\":[{\"kid\":\"\\ud83d\"}]}", "{\"keys\":[{\"kid\":\"a\\ude00\"}]}",
                "{\"keys\":[],\"x\":[\"\\ude00\\ud83d\"]}")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> decode(text));
            assertTrue(refused.getMessage().endsWith("lone surrogate in a string"), refused.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> decode("{\"keys\":[{\"\\ud83d\":1}]}"));
        assertThrows(IllegalArgumentException.class, () -> decode("{\"keys\":[{\"\\ude00\":1}]}"));
    }

    @Test
    void refusesANumberBeyondWhatABigDecimalHoldsAndOneOfMoreThan1000Digits() {
        assertEquals(1, decode("{\"keys\":[{\"ext\":1e999999999}]}").entries());
        assertEquals(1, decode("{\"keys\":[{\"ext\":" + "9".repeat(1000) + "}]}").entries());

        assertThrows(IllegalArgumentException.class, () -> decode("{\"keys\":[{\"ext\":-1E999999999999}]}"));
        assertThrows(IllegalArgumentException.class, () -> decode("{\"keys\":[{\"ext\":" + "9".repeat(1001) + "}]}"));
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        // The document, the keys array and the key are three levels.
        int inside = JwksCodec.MAX_NESTING_DEPTH - 3;
        String ok = "{\"keys\":[{\"ext\":" + "[".repeat(inside) + "]".repeat(inside) + "}]}";
        String deepest = "{\"keys\":[{\"ext\":" + "[".repeat(inside + 1) + "]".repeat(inside + 1) + "}]}";

        assertEquals(1, decode(ok).keys().size());
        assertThrows(IllegalArgumentException.class, () -> decode(deepest));
    }

    @Test
    void refusesAByteOrderMarkInvalidUtf8AndNul() {
        byte[] document = utf8("{\"keys\":[{\"kid\":\"é\"}]}");
        assertEquals(1, codec.decode(document).keys().size());

        byte[] bom = new byte[document.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(document, 0, bom, 3, document.length);
        assertThrows(IllegalArgumentException.class, () -> codec.decode(bom));

        byte[] latin1 = "{\"keys\":[{\"kid\":\"é\"}]}".getBytes(StandardCharsets.ISO_8859_1);
        assertThrows(IllegalArgumentException.class, () -> codec.decode(latin1));
        assertThrows(IllegalArgumentException.class, () -> codec.decode(utf8("{\"keys\":[]}\u0000")));
        assertThrows(IllegalArgumentException.class,
                () -> codec.decode("{\"keys\":[]}".getBytes(StandardCharsets.UTF_16)), "UTF-16 is never guessed");
    }

    @Test
    void readsADocumentOfExactlyTheSizeBoundAndRefusesOneByteMore() {
        String start = "{\"keys\":[],\"pad\":\"";
        String exact = start + "x".repeat(JwksCodec.MAX_BYTES - start.length() - 2) + "\"}";

        assertEquals(256 * 1024, JwksCodec.MAX_BYTES);
        assertEquals(JwksCodec.MAX_BYTES, utf8(exact).length);
        assertEquals(0, decode(exact).entries());
        assertThrows(IllegalArgumentException.class, () -> decode(exact + " "));
    }

    @Test
    void saysWhereTheDocumentWentWrong() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> decode("{\"keys\":[{\"kid\":\"a\"}]} x"));

        assertEquals("invalid JSON at byte 23: malformed", refused.getMessage());
    }

    @Test
    void returnsUnmodifiableCollections() {
        JwkSet set = decode("{\"keys\":[{\"kid\":\"a\"}]}");

        assertThrows(UnsupportedOperationException.class, set.keys()::clear);
        assertThrows(UnsupportedOperationException.class, set.keys().get(0).members()::clear);
    }

    @Test
    void aKeyHoldsOnlyTheMembersItReads() {
        assertThrows(IllegalArgumentException.class, () -> new Jwk(Map.of("d", "private")));
        assertThrows(IllegalArgumentException.class, () -> new JwkSet(List.of(), -1));
        assertThrows(NullPointerException.class, () -> codec.decode(null));
    }

    @Test
    void throwsNothingButIllegalArgumentOnMutatedDocuments() {
        byte[] valid = utf8("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\\u00e9\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
                + "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"BB\",\"ext\":[1.5e3,null,true,{}]},7],"
                + "\"pad\":\"\\ud83d\\ude00\"}");
        byte[] noise = utf8("{}[]:,\"\\u0e9-+.eE0123456789 \u00e9\u0000");
        Random random = new Random(15);
        for (int round = 0; round < 20_000; round++) {
            byte[] mutated = Arrays.copyOf(valid, 1 + random.nextInt(valid.length));
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                mutated[random.nextInt(mutated.length)] = random.nextInt(4) == 0 ? (byte) random.nextInt(256)
                        : noise[random.nextInt(noise.length)];
            }
            try {
                codec.decode(mutated);
            } catch (IllegalArgumentException expected) {
                // A refusal is one of the two allowed outcomes.
                assertNotNull(expected.getMessage());
            }
        }
    }

    private JwkSet decode(String text) {
        return codec.decode(utf8(text));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
