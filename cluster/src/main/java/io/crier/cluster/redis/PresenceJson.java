package io.crier.cluster.redis;

import io.crier.cluster.PresenceEntry;
import java.nio.charset.StandardCharsets;

/**
 * The stored form of one presence entry in Redis (the value of the {@code {C}:presence} hash, whose field is
 * the session id): {@code {"user":"alice","node":"n1","info":{...}}}, with {@code "info":null} when there is
 * none. JSON, so that operators and backends can read it with {@code HGETALL}, and so that the store's Lua
 * scripts can read {@code user} with {@code cjson}. The cluster module has no JSON library: this class writes
 * the one shape above and reads back only that shape, with {@code info} as the raw text between
 * {@code "info":} and the final {@code }}.
 *
 * <p>Stateless and thread-safe.
 */
final class PresenceJson {

    private static final String USER = "{\"user\":";
    private static final String NODE = ",\"node\":";
    private static final String INFO = ",\"info\":";

    private PresenceJson() {
    }

    /** The stored bytes of {@code entry} (its session id is the hash field, so it is not repeated here). */
    static byte[] encode(PresenceEntry entry) {
        StringBuilder json = new StringBuilder(64);
        json.append(USER);
        appendString(json, entry.user());
        json.append(NODE);
        appendString(json, entry.node());
        json.append(INFO);
        json.append(entry.info() == null ? "null" : new String(entry.info(), StandardCharsets.UTF_8));
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads back what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException when {@code stored} is not in that shape
     */
    static PresenceEntry decode(String sessionId, byte[] stored) {
        String json = new String(stored, StandardCharsets.UTF_8);
        Reader reader = new Reader(json);
        reader.expect(USER);
        String user = reader.string();
        reader.expect(NODE);
        String node = reader.string();
        reader.expect(INFO);
        if (!json.endsWith("}") || reader.position > json.length() - 1) {
            throw new IllegalArgumentException("no info and closing brace");
        }
        String info = json.substring(reader.position, json.length() - 1);
        return new PresenceEntry(sessionId, user, node,
                "null".equals(info) ? null : info.getBytes(StandardCharsets.UTF_8));
    }

    private static void appendString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }

    /** A cursor over the stored text. */
    private static final class Reader {

        private final String json;
        private int position;

        Reader(String json) {
            this.json = json;
        }

        void expect(String literal) {
            if (!json.startsWith(literal, position)) {
                throw new IllegalArgumentException("expected " + literal + " at " + position);
            }
            position += literal.length();
        }

        String string() {
            expect("\"");
            StringBuilder value = new StringBuilder();
            while (position < json.length()) {
                char c = json.charAt(position++);
                if (c == '"') {
                    return value.toString();
                }
                value.append(c == '\\' ? escaped() : c);
            }
            throw new IllegalArgumentException("unterminated string");
        }

        /** The character of the escape after a backslash: cjson may write any of JSON's escapes. */
        private char escaped() {
            if (position >= json.length()) {
                throw new IllegalArgumentException("unterminated escape");
            }
            char c = json.charAt(position++);
            return switch (c) {
                case '"', '\\', '/' -> c;
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> unicode();
                default -> throw new IllegalArgumentException("bad escape \\" + c);
            };
        }

        private char unicode() {
            if (position + 4 > json.length()) {
                throw new IllegalArgumentException("short \\u escape");
            }
            String hex = json.substring(position, position + 4);
            position += 4;
            try {
                return (char) Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad \\u escape", e);
            }
        }
    }
}
