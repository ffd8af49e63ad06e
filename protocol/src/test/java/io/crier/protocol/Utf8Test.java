package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The strict UTF-8 check agrees with the JDK's decoder, except that it also refuses NUL; a string with an unpaired
 * surrogate is found.
 */
class Utf8Test {

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        Random random = new Random(1125L);
        for (int i = 0; i < 50_000; i++) {
            byte[] bytes = new byte[random.nextInt(12)];
            for (int k = 0; k < bytes.length; k++) {
                // Mostly high bytes, so that multi-byte sequences and their edge cases come up often.
                bytes[k] = (byte) (random.nextInt(4) == 0 ? 1 + random.nextInt(127) : 0x80 + random.nextInt(128));
            }
            assertEquals(jdkAccepts(bytes), Utf8.isValidJsonText(bytes, 0, bytes.length), () -> Arrays.toString(bytes));
        }
    }

    @Test
    void agreesWithTheJdkOnTheBoundariesOfEachSequenceLength() {
        int[][] cases = {
                {0x7F}, {0xC2, 0x80}, {0xC1, 0xBF}, {0xDF, 0xBF}, {0xE0, 0xA0, 0x80}, {0xE0, 0x9F, 0xBF},
                {0xED, 0x9F, 0xBF}, {0xED, 0xA0, 0x80}, {0xEF, 0xBF, 0xBF}, {0xF0, 0x90, 0x80, 0x80},
                {0xF0, 0x8F, 0xBF, 0xBF}, {0xF4, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80},
                {0xE2, 0x82}, {0x80}, {0xFE}, {0xFF}};
        for (int[] sequence : cases) {
            byte[] bytes = new byte[sequence.length];
            for (int k = 0; k < bytes.length; k++) {
                bytes[k] = (byte) sequence[k];
            }
            assertEquals(jdkAccepts(bytes), Utf8.isValidJsonText(bytes, 0, bytes.length), Arrays.toString(sequence));
        }
    }

    @Test
    void refusesTheNulByteAndChecksOnlyTheGivenRange() {
        byte[] bytes = {0, 'a', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF};
        assertFalse(Utf8.isValidJsonText(bytes, 0, 2));
        assertTrue(Utf8.isValidJsonText(bytes, 1, 3));
        assertFalse(Utf8.isValidJsonText(bytes, 1, 2));
        assertFalse(Utf8.isValidJsonText(bytes, 1, 4));
        assertTrue(Utf8.isValidJsonText(bytes, 1, 0));
    }

    @Test
    void findsASurrogateThatIsNotHalfOfAPair() {
        for (String text : new String[] {"\uD83D", "\uDE00", "a\uDE00\uD83D", "\uD83D\uD83D\uDE00", "x\uD83Dy"}) {
            assertTrue(Utf8.hasUnpairedSurrogate(text), text);
        }
        for (String text : new String[] {"", "abc", "\uD83D\uDE00", "Zo\u00eb\uD83D\uDE00\uD83D\uDE00"}) {
            assertFalse(Utf8.hasUnpairedSurrogate(text), text);
        }
    }

    private static boolean jdkAccepts(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            decoder.decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            return false;
        }
        for (byte b : bytes) {
            if (b == 0) {
                return false;
            }
        }
        return true;
    }
}
