package io.crier.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * Where {@link LogEscaper} cuts a long value: never inside a surrogate pair or an escape. Which characters it
 * escapes is proven through both formats ({@link TextLogFormatTest}, {@link JsonLogLayoutTest}).
 */
class LogEscaperTest {

    @Test
    void aSurrogatePairAcrossTheCapIsLeftOutWhole() {
        String value = "x".repeat(LogEscaper.MAX_VALUE_CHARS - 1) + "\ud83d\ude00" + "yz";
        assertEquals("x".repeat(LogEscaper.MAX_VALUE_CHARS - 1) + "...[4 more chars]", LogEscaper.text(value));
    }

    @Test
    void anEscapeAcrossTheCapIsLeftOutWhole() {
        String value = "x".repeat(LogEscaper.MAX_VALUE_CHARS - 1) + "\n";
        assertEquals("x".repeat(LogEscaper.MAX_VALUE_CHARS - 1) + "...[1 more chars]", LogEscaper.text(value));
    }

    @Test
    void aValueOfExactlyTheCapIsWrittenWhole() {
        String value = "x".repeat(LogEscaper.MAX_VALUE_CHARS - 2) + "\t";
        assertEquals("x".repeat(LogEscaper.MAX_VALUE_CHARS - 2) + "\\t", LogEscaper.text(value));
    }

    @Test
    void noValueStaysNoValue() {
        assertNull(LogEscaper.text(null));
    }
}
