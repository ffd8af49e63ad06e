package io.crier.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One JSON object read in a single pass by the rules of {@link StrictJson#isObject} (it is refused exactly when
 * that refuses it), with its members as plain Java values, for JSON the codecs do not decode: a token's header and
 * payload. A value is a {@link String}, a {@link Long} (an integer that fits one) or {@link BigInteger}, a
 * {@link Double} (a number with a fraction or an exponent), a {@link Boolean}, {@link #NULL}, a {@code List} of
 * values (an array) or a {@code Map} of names to values (an object, in order). {@link #json} writes a value back
 * as compact JSON.
 *
 * <p>Immutable and thread-safe; the lists and maps are unmodifiable.
 */
public final class StrictJsonObject {

    /** The JSON {@code null}. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /**
     * The strict factory, but for duplicate names, which {@link #value} finds as it puts each member in its map:
     * Jackson's own detection would keep a second set of the names.
     */
    private static final JsonFactory STRICT = StrictJson.newFactory().rebuild()
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final Map<String, Object> members;

    private StrictJsonObject(Map<String, Object> members) {
        this.members = members;
    }

    /**
     * The object {@code utf8} holds, or {@code null} when {@link StrictJson#isObject} would refuse it. Never
     * throws for bad input. The caller bounds the size: the work is one pass over the bytes.
     *
     * @throws NullPointerException when {@code utf8} is null
     */
    public static StrictJsonObject read(byte[] utf8) {
        Objects.requireNonNull(utf8, "utf8");
        if (!StrictJson.isJsonText(utf8)) {
            return null;
        }
        try (JsonParser parser = STRICT.createParser(utf8)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> members = (Map<String, Object>) value(parser);
            return parser.nextToken() == null ? new StrictJsonObject(members) : null;
        } catch (IOException | RuntimeException e) {
            // Any failure of the parser on these bytes means they are not one strict JSON object.
            return null;
        }
    }

    /** The value of member {@code name}, or {@code null} when the object has no such member. */
    public Object get(String name) {
        return members.get(name);
    }

    /** Whether the object has a member {@code name} (of any value, {@link #NULL} included). */
    public boolean has(String name) {
        return members.containsKey(name);
    }

    /**
     * {@code value} (one this class gives) as compact JSON: the text a Jackson tree of the same JSON writes, so
     * that a string keeps its characters outside the BMP as UTF-8 rather than as escapes.
     *
     * @throws IllegalArgumentException when {@code value} is not one this class gives
     */
    public static String json(Object value) {
        return new String(StrictJson.write(STRICT, generator -> write(generator, value)), StandardCharsets.UTF_8);
    }

    /** The value at the parser's current token, reading a container to its end. */
    private static Object value(JsonParser parser) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>(8);
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    // No value is Java null (JSON null is NULL), so a non-null previous value is a duplicate name.
                    if (object.put(name, value(parser)) != null) {
                        throw new IOException("duplicate name");
                    }
                }
                return Collections.unmodifiableMap(object);
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser));
                }
                return Collections.unmodifiableList(array);
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT -> {
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? parser.getBigIntegerValue() : (Object) parser.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return parser.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return NULL;
            }
            default -> throw new IOException("unexpected token " + parser.currentToken());
        }
    }

    private static void write(JsonGenerator json, Object value) throws IOException {
        if (value instanceof String text) {
            json.writeString(text);
        } else if (value instanceof Long number) {
            json.writeNumber(number);
        } else if (value instanceof BigInteger number) {
            json.writeNumber(number);
        } else if (value instanceof Double number) {
            json.writeNumber(number);
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else if (value == NULL) {
            json.writeNull();
        } else if (value instanceof List<?> array) {
            json.writeStartArray();
            for (Object item : array) {
                write(json, item);
            }
            json.writeEndArray();
        } else if (value instanceof Map<?, ?> object) {
            json.writeStartObject();
            for (Map.Entry<?, ?> member : object.entrySet()) {
                json.writeFieldName((String) member.getKey());
                write(json, member.getValue());
            }
            json.writeEndObject();
        } else {
            throw new IllegalArgumentException("not a JSON value of StrictJsonObject: " + value);
        }
    }
}
