package io.crier.gateway.auth;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON parser (RFC 8259) for JWKS documents, so that the gateway needs no JSON library of
 * its own (Jackson belongs to the protocol module). Objects become {@code Map<String, Object>}, arrays
 * {@code List<Object>}, strings {@code String}, numbers {@link BigDecimal}, {@code true}/{@code false}
 * {@code Boolean}, and {@code null} {@link #NULL}. Repeated member names, trailing commas, comments, leading
 * zeros, control characters in strings, lone surrogates, trailing content and nesting deeper than
 * {@value #MAX_DEPTH} are refused: a key document should never be read two ways.
 *
 * <p>One instance parses one document; not thread-safe. {@link #parse(String)} is the entry point.
 */
final class JwksJson {

    /** Deepest nesting accepted; a JWKS needs 3. */
    static final int MAX_DEPTH = 16;

    /** Stands for JSON {@code null} (maps and lists here hold no Java null). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private final String text;
    private int pos;

    private JwksJson(String text) {
        this.text = text;
    }

    /**
     * Parses one JSON document.
     *
     * @throws IllegalArgumentException with the offset of the first error
     */
    static Object parse(String text) {
        JwksJson parser = new JwksJson(text);
        Object value = parser.value(0);
        parser.skipWhitespace();
        if (parser.pos != text.length()) {
            throw parser.error("trailing content");
        }
        return value;
    }

    private Object value(int depth) {
        skipWhitespace();
        char c = peek();
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", NULL);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character");
        }
    }

    private Map<String, Object> object(int depth) {
        checkDepth(depth);
        pos++;
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return Map.of();
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String name = string();
            skipWhitespace();
            expect(':');
            if (members.put(name, value(depth + 1)) != null) {
                throw error("repeated member name");
            }
            skipWhitespace();
            if (next() == '}') {
                return Collections.unmodifiableMap(members);
            }
            pos--;
            expect(',');
        }
    }

    private List<Object> array(int depth) {
        checkDepth(depth);
        pos++;
        List<Object> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return List.of();
        }
        while (true) {
            items.add(value(depth + 1));
            skipWhitespace();
            if (next() == ']') {
                return Collections.unmodifiableList(items);
            }
            pos--;
            expect(',');
        }
    }

    /** {@code depth} counts the containers around this one: at most {@value #MAX_DEPTH} containers nest. */
    private void checkDepth(int depth) {
        if (depth >= MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
    }

    private String string() {
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return checkedSurrogates(out.toString());
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            out.append(c == '\\' ? escape() : c);
        }
    }

    private char escape() {
        char c = next();
        switch (c) {
            case '"': case '\\': case '/':
                return c;
            case 'b':
                return '\b';
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'u':
                return unicodeEscape();
            default:
                throw error("bad escape");
        }
    }

    private char unicodeEscape() {
        if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos++), 16);
            if (digit < 0) {
                throw error("bad \\u escape");
            }
            code = code * 16 + digit;
        }
        return (char) code;
    }

    private String checkedSurrogates(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw error("lone surrogate in a string");
            }
        }
        return s;
    }

    private BigDecimal number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else {
            digits();
        }
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            digits();
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            digits();
        }
        try {
            return new BigDecimal(text.substring(start, pos));
        } catch (NumberFormatException e) {
            // An exponent too large for BigDecimal: refuse the document like any other bad number.
            throw error("number out of range");
        }
    }

    private void digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        if (pos == start) {
            throw error("expected a digit");
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected character");
        }
        pos += word.length();
        return value;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private void expect(char wanted) {
        if (next() != wanted) {
            throw error("expected '" + wanted + "'");
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
    }
}
