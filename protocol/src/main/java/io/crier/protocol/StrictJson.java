package io.crier.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The JSON reading rules every reader of untrusted JSON in Crier shares: a factory whose parsers reject
 * duplicate field names at any depth and bound nesting, the classification of the parser's failures, and
 * {@link #isObject} and {@link #isValue}, the same reading offered to the gateway for JSON that the codecs do not
 * decode (the header and payload of a token, the {@code info} a token tool is given), so that nothing is read more
 * leniently than a frame.
 *
 * <p>Stateless; thread-safe. Each codec owns the factory it gets from {@link #newFactory()}; a
 * {@link JsonFactory} is thread-safe once configured, so {@link #isObject} and {@link #isValue} share one.
 */
public final class StrictJson {

    /** The deepest nesting accepted in a frame or broker payload; the envelope counts as one level. */
    static final int MAX_NESTING_DEPTH = 64;

    private static final JsonFactory STRICT = newFactory();

    private StrictJson() {
    }

    /**
     * Whether {@code utf8} is exactly one JSON object, read as strictly as a frame: well-formed UTF-8 with
     * no NUL byte ({@code Utf8}), no byte-order mark (RFC 8259 8.1 forbids writing one; a parser that
     * skipped it would give one text two spellings), no duplicate field name at any depth, at most 64
     * levels of nesting, numbers of at most 1,000 digits, and nothing after the object but whitespace.
     * Never throws for bad input. The caller bounds the size: the work is one pass over the bytes.
     *
     * @throws NullPointerException when {@code utf8} is null
     */
    public static boolean isObject(byte[] utf8) {
        return isOne(utf8, true);
    }

    /**
     * Whether {@code utf8} is exactly one JSON value of any kind (object, array, string, number, boolean or
     * null), read by the same rules as {@link #isObject}. So a value that passes can be written after a name in
     * an object and ends there: {@code 1,"sub":"admin"} does not pass.
     *
     * @throws NullPointerException when {@code utf8} is null
     */
    public static boolean isValue(byte[] utf8) {
        return isOne(utf8, false);
    }

    private static boolean isOne(byte[] utf8, boolean objectOnly) {
        Objects.requireNonNull(utf8, "utf8");
        if (!isJsonText(utf8)) {
            return false;
        }
        try (JsonParser parser = STRICT.createParser(utf8)) {
            JsonToken first = parser.nextToken();
            if (first == null || (objectOnly && first != JsonToken.START_OBJECT)) {
                return false;
            }
            // Skipping reads every token, so the duplicate detection and the nesting bound see them all.
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            // Any failure of the parser on these bytes means they are not one strict JSON value.
            return false;
        }
    }

    /**
     * A factory for strict parsers, and for generators that write characters outside the BMP as plain
     * 4-byte UTF-8 rather than as escaped surrogate pairs.
     */
    static JsonFactory newFactory() {
        return newFactory(MAX_NESTING_DEPTH);
    }

    /** {@link #newFactory()} with a tighter nesting bound, for documents whose shape needs fewer levels. */
    static JsonFactory newFactory(int maxNestingDepth) {
        return JsonFactory.builder()
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxNestingDepth)
                        .build())
                .build();
    }

    /**
     * Whether the parser failed on a duplicate field name. Jackson 2 reports duplicates with a plain
     * {@code JsonParseException}, so its message is the only distinguishing mark; a test pins it.
     */
    static boolean isDuplicateField(JsonProcessingException failure) {
        String message = failure.getOriginalMessage();
        return message != null && message.startsWith("Duplicate field");
    }

    /**
     * Whether all of {@code utf8} may be handed to a strict parser: valid UTF-8 that JSON text may hold
     * ({@link Utf8#isValidJsonText}), without a byte-order mark, which Jackson would skip without a word.
     */
    static boolean isJsonText(byte[] utf8) {
        return !startsWithByteOrderMark(utf8) && Utf8.isValidJsonText(utf8, 0, utf8.length);
    }

    /** Whether {@code utf8} starts with the UTF-8 byte-order mark. */
    private static boolean startsWithByteOrderMark(byte[] utf8) {
        return utf8.length >= 3 && (utf8[0] & 0xFF) == 0xEF && (utf8[1] & 0xFF) == 0xBB && (utf8[2] & 0xFF) == 0xBF;
    }

    /** Writes JSON to a generator (a codec's body of one answer). */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    /** The JSON {@code body} writes with {@code factory}'s generator, as UTF-8 bytes. */
    static byte[] write(JsonFactory factory, Body body) {
        ByteArrayBuilder out = new ByteArrayBuilder(64);
        try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
