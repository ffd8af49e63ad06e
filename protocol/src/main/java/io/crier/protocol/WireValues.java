package io.crier.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Checks on single JSON values that both decoders share. Stateless and thread-safe.
 */
final class WireValues {

    private WireValues() {
    }

    /**
     * Whether the parser's current token, {@code value}, is an integer (not a float such as {@code 5.0}) that
     * fits a {@code long} and is not negative.
     */
    static boolean isNonNegativeLong(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            return false;
        }
        JsonParser.NumberType type = parser.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            return false;
        }
        return parser.getLongValue() >= 0;
    }
}
