package io.crier.gateway.logging;

import java.util.List;
import java.util.stream.Stream;

/**
 * One character a client or a token may put into a logged value, and how each log format must write it: one
 * of every class the escaping covers (C0 controls with and without a short form, DEL, C1 controls, the
 * Unicode line and paragraph separators, the bidirectional controls, unpaired surrogates, the backslash), and
 * characters it must leave alone (a quote in text, non-ASCII letters, an emoji, a no-break space).
 */
record EscapeCase(String name, String raw, String written) {

    private static final List<EscapeCase> CONTROLS = List.of(
            new EscapeCase("NUL", "\u0000", "\\u0000"),
            new EscapeCase("BS", "\b", "\\b"),
            new EscapeCase("TAB", "\t", "\\t"),
            new EscapeCase("LF", "\n", "\\n"),
            new EscapeCase("FF", "\f", "\\f"),
            new EscapeCase("CR", "\r", "\\r"),
            new EscapeCase("CRLF", "\r\n", "\\r\\n"),
            new EscapeCase("ESC (a terminal colour)", "\u001b[31m", "\\u001b[31m"),
            new EscapeCase("US, the last C0", "\u001f", "\\u001f"),
            new EscapeCase("DEL", "\u007f", "\\u007f"),
            new EscapeCase("PAD, the first C1", "\u0080", "\\u0080"),
            new EscapeCase("NEL (a line break to Unicode)", "\u0085", "\\u0085"),
            new EscapeCase("CSI (a terminal escape)", "\u009b", "\\u009b"),
            new EscapeCase("APC, the last C1", "\u009f", "\\u009f"),
            new EscapeCase("LINE SEPARATOR", "\u2028", "\\u2028"),
            new EscapeCase("PARAGRAPH SEPARATOR", "\u2029", "\\u2029"),
            new EscapeCase("ARABIC LETTER MARK", "\u061c", "\\u061c"),
            new EscapeCase("RIGHT-TO-LEFT MARK", "\u200f", "\\u200f"),
            new EscapeCase("RIGHT-TO-LEFT OVERRIDE", "\u202e", "\\u202e"),
            new EscapeCase("POP DIRECTIONAL ISOLATE", "\u2069", "\\u2069"),
            new EscapeCase("an unpaired high surrogate", "\ud800", "\\ud800"),
            new EscapeCase("an unpaired low surrogate", "\udc00", "\\udc00"),
            new EscapeCase("a low surrogate before a high one", "\udc00\ud800", "\\udc00\\ud800"),
            new EscapeCase("backslash", "\\", "\\\\"),
            new EscapeCase("a literal backslash-n", "\\n", "\\\\n"),
            new EscapeCase("non-ASCII letters", "été 新闻", "été 新闻"),
            new EscapeCase("an emoji (a surrogate pair)", "\ud83d\ude00", "\ud83d\ude00"),
            new EscapeCase("NO-BREAK SPACE", "\u00a0", "\u00a0"));

    /** How the text format writes each case: a quote as is. */
    static final List<EscapeCase> TEXT = concat(CONTROLS, new EscapeCase("quote", "\"", "\""));

    /** How the JSON format writes each case (inside a string): a quote escaped. */
    static final List<EscapeCase> JSON = concat(CONTROLS, new EscapeCase("quote", "\"", "\\\""));

    private static List<EscapeCase> concat(List<EscapeCase> cases, EscapeCase last) {
        return Stream.concat(cases.stream(), Stream.of(last)).toList();
    }

    /** Whether the character at {@code i} of {@code text} is one that no log line may hold raw. */
    static boolean mustBeEscaped(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
        }
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u061c' || c == '\u200e'
                || c == '\u200f' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }

    @Override
    public String toString() {
        return name;
    }
}
