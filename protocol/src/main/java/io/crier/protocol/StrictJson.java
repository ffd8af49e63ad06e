package io.crier.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

/**
 * The JSON reading rules both codecs share: a factory whose parsers reject duplicate field names at any
 * depth and bound nesting, and the classification of the parser's failures.
 *
 * <p>Stateless; thread-safe. Each codec owns the factory it gets from {@link #newFactory()}; a
 * {@link JsonFactory} is thread-safe once configured.
 */
final class StrictJson {

    /** The deepest nesting accepted in a frame or broker payload; the envelope counts as one level. */
    static final int MAX_NESTING_DEPTH = 64;

    private StrictJson() {
    }

    /**
     * A factory for strict parsers, and for generators that write characters outside the BMP as plain
     * 4-byte UTF-8 rather than as escaped surrogate pairs.
     */
    static JsonFactory newFactory() {
        return JsonFactory.builder()
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
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
}
