package io.crier.protocol;

/**
 * Strict UTF-8 check for JSON text: rejects overlong forms, surrogates, code points above U+10FFFF,
 * truncated sequences and the NUL byte. Jackson's byte parser tolerates some of these and, given NUL
 * bytes, may guess UTF-16 or UTF-32; checking first makes every accepted frame well-formed UTF-8 that
 * the parser reads as UTF-8, so the raw data spans we forward are safe for any client to decode.
 *
 * <p>Stateless; thread-safe.
 */
final class Utf8 {

    private Utf8() {
    }

    /** Whether {@code bytes[offset, offset + length)} is well-formed UTF-8 without any NUL byte. */
    static boolean isValidJsonText(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int b = bytes[i];
            if (b > 0) {
                i++;
                continue;
            }
            if (b == 0) {
                return false;
            }
            int size = sequenceLength(bytes, i, end);
            if (size == 0) {
                return false;
            }
            i += size;
        }
        return true;
    }

    /**
     * Whether {@code text} holds a surrogate that is not half of a pair. JSON lets a string escape one on its own
     * (a backslash, then {@code ud83d}); such a string has no UTF-8 form.
     */
    static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** The length of the multi-byte sequence starting at {@code i}, or 0 when it is malformed. */
    private static int sequenceLength(byte[] bytes, int i, int end) {
        int lead = bytes[i] & 0xFF;
        int size;
        int secondMin = 0x80;
        int secondMax = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            size = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            size = 3;
            if (lead == 0xE0) {
                secondMin = 0xA0; // overlong below U+0800
            } else if (lead == 0xED) {
                secondMax = 0x9F; // UTF-16 surrogates U+D800..U+DFFF
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            size = 4;
            if (lead == 0xF0) {
                secondMin = 0x90; // overlong below U+10000
            } else if (lead == 0xF4) {
                secondMax = 0x8F; // above U+10FFFF
            }
        } else {
            return 0;
        }
        if (end - i < size) {
            return 0;
        }
        int second = bytes[i + 1] & 0xFF;
        if (second < secondMin || second > secondMax) {
            return 0;
        }
        for (int k = 2; k < size; k++) {
            if ((bytes[i + k] & 0xC0) != 0x80) {
                return 0;
            }
        }
        return size;
    }
}
