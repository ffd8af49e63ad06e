package io.crier.gateway.logging;

/**
 * Writes a logged value so that it can neither break a log line nor disguise one, for both log formats: the
 * text format's message and exception messages ({@link #text}) and every JSON string ({@link #json}). A token's
 * {@code sub}, a JWKS {@code kid} or an exception message quoting a client's input can hold anything, and a
 * raw newline in it would forge a whole line.
 *
 * <p>Escaped, as the JSON escapes that RFC 8259 defines (so both formats read the same):
 * <ul>
 *   <li>every C0 control (U+0000–U+001F, TAB included: a value holds no layout of ours, and a visible {@code \t}
 *       cannot pass for a field separator), DEL (U+007F) and every C1 control (U+0080–U+009F: NEL breaks
 *       lines, CSI starts terminal escapes): {@code \b \t \n \f \r}, the rest {@code \}{@code u00XX};</li>
 *   <li>U+2028 and U+2029, which Unicode-aware viewers (and JavaScript before ES2019) take for line breaks;</li>
 *   <li>the bidirectional controls (Unicode's Bidi_Control: U+061C, U+200E, U+200F, U+202A–U+202E,
 *       U+2066–U+2069), which make a terminal or viewer show a line in another order than it is written;</li>
 *   <li>an unpaired surrogate, which has no UTF-8 form (the encoder would write {@code ?});</li>
 *   <li>the backslash itself, as {@code \\}, so that a client's literal {@code \n} cannot pass for an escaped
 *       newline; and in JSON the quote, as {@code \"}.</li>
 * </ul>
 * Everything else, non-ASCII letters and emoji included, is written as is. Hex digits are lower case.
 *
 * <p>Bounded: a value is written up to {@value #MAX_VALUE_CHARS} characters of escaped text, then
 * {@code ...[N more chars]}. No value a client gives is that long (a {@code sub} is at most 256 characters, a
 * topic 200), so only an odd JWKS (kids are bounded by its 256 KiB), a bug or a future log call quoting a whole
 * frame reaches it; it keeps such a line readable and under the 16 KiB at which Docker's and Kubernetes' log
 * drivers split lines. The JSON format's stack trace is not cut (its lines are the server's).
 *
 * <p>Stateless and thread-safe.
 */
final class LogEscaper {

    /** The most characters of escaped text written for one value. */
    static final int MAX_VALUE_CHARS = 4096;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogEscaper() {
    }

    /** {@code value} escaped for the text format (a quote as is); {@code null} stays {@code null}. */
    static String text(String value) {
        if (value == null || isClean(value)) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        escape(out, value, false, MAX_VALUE_CHARS);
        return out.toString();
    }

    /**
     * Appends {@code value} escaped as the inside of a JSON string, cut after {@code maxChars} characters of
     * escaped text ({@link #MAX_VALUE_CHARS} for a value; a stack trace, whose lines are the server's, passes
     * {@link Integer#MAX_VALUE}).
     */
    static void json(StringBuilder out, String value, int maxChars) {
        escape(out, value, true, maxChars);
    }

    private static boolean isClean(String value) {
        if (value.length() > MAX_VALUE_CHARS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || isEscaped(c)) {
                return false;
            }
        }
        return true;
    }

    private static void escape(StringBuilder out, String value, boolean json, int maxChars) {
        long limit = (long) out.length() + maxChars;
        for (int i = 0; i < value.length(); i++) {
            int start = out.length();
            char c = value.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (pair) {
                out.append(c).append(value.charAt(i + 1));
            } else {
                append(out, c, json);
            }
            if (out.length() > limit) {
                // Cut before the character that went over, never inside an escape or a surrogate pair.
                out.setLength(start);
                out.append("...[").append(value.length() - i).append(" more chars]");
                return;
            }
            if (pair) {
                i++;
            }
        }
    }

    private static void append(StringBuilder out, char c, boolean json) {
        switch (c) {
            case '\\' -> out.append("\\\\");
            case '"' -> out.append(json ? "\\\"" : "\"");
            case '\b' -> out.append("\\b");
            case '\t' -> out.append("\\t");
            case '\n' -> out.append("\\n");
            case '\f' -> out.append("\\f");
            case '\r' -> out.append("\\r");
            default -> {
                if (isEscaped(c)) {
                    out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                            .append(HEX[c & 0xf]);
                } else {
                    out.append(c);
                }
            }
        }
    }

    /** Whether {@code c} is never written raw; {@link #escape} asks only about unpaired surrogates. */
    private static boolean isEscaped(char c) {
        return Character.isISOControl(c) || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029'
                || isBidiControl(c);
    }

    private static boolean isBidiControl(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
