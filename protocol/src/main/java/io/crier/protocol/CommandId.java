package io.crier.protocol;

import java.util.Objects;

/**
 * The {@code id} of a command, kept as the exact JSON token the client sent (a number such as {@code 7}
 * or a quoted string such as {@code "a1"}), so that the reply echoes it unchanged.
 *
 * <p>Immutable and thread-safe.
 */
public record CommandId(String json) {

    public CommandId {
        Objects.requireNonNull(json, "json");
        if (json.isEmpty()) {
            throw new IllegalArgumentException("empty id");
        }
    }

    /** An id that is a JSON number. */
    public static CommandId of(long number) {
        return new CommandId(Long.toString(number));
    }

    /** An id that is a JSON string; {@code text} must contain no characters that need escaping. */
    public static CommandId ofString(String text) {
        return new CommandId('"' + text + '"');
    }

    @Override
    public String toString() {
        return json;
    }
}
