package io.crier.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * Where one JSON value lies in the parsed bytes, as offsets relative to the start of the parser's input.
 * Reading the span lets a codec forward publication data exactly as it was sent, with no re-serialising.
 *
 * <p>Immutable and thread-safe.
 */
record ValueSpan(int start, int end) {

    /**
     * Reads the value whose first token is the parser's current token, leaving the parser on its last
     * token. The parser checks the value's syntax as it goes, so a span is only returned for valid JSON.
     */
    static ValueSpan read(JsonParser parser) throws IOException {
        JsonToken first = parser.currentToken();
        int start = (int) parser.currentTokenLocation().getByteOffset();
        if (first == JsonToken.START_OBJECT || first == JsonToken.START_ARRAY) {
            parser.skipChildren();
            return new ValueSpan(start, (int) parser.currentTokenLocation().getByteOffset() + 1);
        }
        // Strings are parsed lazily; finishing the token moves the location past the closing quote.
        parser.finishToken();
        return new ValueSpan(start, (int) parser.currentLocation().getByteOffset());
    }

    /** The value's size in bytes. */
    int length() {
        return end - start;
    }

    /** Copies the value out of {@code input}, whose parsed region starts at {@code base}. */
    RawJson copyFrom(byte[] input, int base) {
        return RawJson.trusted(Arrays.copyOfRange(input, base + start, base + end));
    }
}
