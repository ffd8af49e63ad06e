package io.crier.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON of a JSON Web Key Set (RFC 7517 §5), the document an identity provider serves at its JWKS URL:
 * {@code {"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"..","e":"AQAB"},..]}}. Only
 * reading: the keys become a {@link JwkSet} of {@link Jwk}s; members other than {@code keys}, and a key's
 * members outside {@link Jwk#MEMBERS}, are skipped, as RFC 7517 asks of members a reader does not know.
 *
 * <p>A key document must never be read two ways, so reading is as strict as for a frame ({@link StrictJson}:
 * well-formed UTF-8 without a byte-order mark or NUL, no member name twice at any depth, numbers of at most
 * 1,000 digits, nothing after the object), with tighter bounds: at most {@value #MAX_BYTES} bytes and
 * {@value #MAX_NESTING_DEPTH} levels of nesting (a JWKS needs 3). Two rules go further, over every name and
 * value, skipped ones included: a string holds no unpaired surrogate, even escaped (a backslash, then
 * {@code ud83d}), and a number fits a {@link java.math.BigDecimal} ({@code 1e999999999999} does not), since
 * other readers of the same document would each deal with those their own way.
 *
 * <p>Stateless; thread-safe.
 */
public final class JwksCodec {

    /** The largest document read, in bytes. A JWKS of 64 large RSA keys is about 50 KiB. */
    public static final int MAX_BYTES = 256 * 1024;

    /** The deepest nesting accepted; the document, its {@code keys} array and a key are 3 levels. */
    static final int MAX_NESTING_DEPTH = 16;

    private static final String NO_KEYS = "not a JWKS: no \"keys\" array";

    private final JsonFactory factory = StrictJson.newFactory(MAX_NESTING_DEPTH);

    /**
     * Reads a JWKS document.
     *
     * @throws IllegalArgumentException when {@code json} is larger than {@value #MAX_BYTES} bytes, is not
     *                                  strict JSON (the message says where and why), or is not an object with
     *                                  a {@code keys} array
     */
    public JwkSet decode(byte[] json) {
        Objects.requireNonNull(json, "json");
        if (json.length > MAX_BYTES) {
            throw new IllegalArgumentException("not a JWKS: larger than " + MAX_BYTES + " bytes");
        }
        if (!StrictJson.isJsonText(json)) {
            throw new IllegalArgumentException("invalid JSON: not UTF-8, or with a byte-order mark or a NUL byte");
        }
        try (JsonParser parser = factory.createParser(json)) {
            return read(parser);
        } catch (StreamConstraintsException e) {
            throw invalid(e.getLocation(), "nested deeper than " + MAX_NESTING_DEPTH + " or a number too long");
        } catch (JsonProcessingException e) {
            throw invalid(e.getLocation(), StrictJson.isDuplicateField(e) ? "repeated member name" : "malformed");
        } catch (IOException | RuntimeException e) {
            // The parser is third-party code facing bytes from the network: whatever else it throws (short of
            // this codec's own verdicts), the document is not one this codec reads.
            throw e instanceof IllegalArgumentException verdict ? verdict
                    : new IllegalArgumentException("invalid JSON: " + e.getClass().getSimpleName(), e);
        }
    }

    private static JwkSet read(JsonParser parser) throws IOException {
        JsonToken first = next(parser);
        if (first == null) {
            throw invalid(parser, "no value");
        }
        // Whatever the first value is, it is read to its end: a syntax error anywhere wins over a wrong shape.
        JwkSet keys = null;
        if (first == JsonToken.START_OBJECT) {
            keys = readDocument(parser);
        } else {
            skip(parser);
        }
        if (next(parser) != null) {
            throw invalid(parser, "trailing content");
        }
        if (keys == null) {
            throw new IllegalArgumentException(NO_KEYS);
        }
        return keys;
    }

    /** Reads the members of the document, whose START_OBJECT is the current token; null without a keys array. */
    private static JwkSet readDocument(JsonParser parser) throws IOException {
        JwkSet keys = null;
        while (next(parser) == JsonToken.FIELD_NAME) {
            boolean isKeys = "keys".equals(parser.currentName());
            if (next(parser) == JsonToken.START_ARRAY && isKeys) {
                keys = readKeys(parser);
            } else {
                skip(parser);
            }
        }
        return keys;
    }

    private static JwkSet readKeys(JsonParser parser) throws IOException {
        List<Jwk> keys = new ArrayList<>();
        int unreadable = 0;
        while (next(parser) != JsonToken.END_ARRAY) {
            Jwk key = null;
            if (parser.currentToken() == JsonToken.START_OBJECT) {
                key = readKey(parser);
            } else {
                skip(parser);
            }
            if (key == null) {
                unreadable++;
            } else {
                keys.add(key);
            }
        }
        return new JwkSet(keys, unreadable);
    }

    /** Reads one key, whose START_OBJECT is the current token; null when a member it needs is not a string. */
    private static Jwk readKey(JsonParser parser) throws IOException {
        Map<String, String> members = new HashMap<>();
        boolean readable = true;
        while (next(parser) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = next(parser);
            if (!Jwk.MEMBERS.contains(name)) {
                skip(parser);
            } else if (value == JsonToken.VALUE_STRING) {
                members.put(name, parser.getText());
            } else {
                readable = false;
                skip(parser);
            }
        }
        return readable ? new Jwk(members) : null;
    }

    /**
     * Reads past the value whose first token is the current one, through {@link #next} so that every name and
     * value inside meets the same rules.
     */
    private static void skip(JsonParser parser) throws IOException {
        int depth = 0;
        JsonToken token = parser.currentToken();
        while (true) {
            if (token == null) {
                throw invalid(parser, "unexpected end");
            }
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd()) {
                depth--;
            }
            if (depth == 0) {
                return;
            }
            token = next(parser);
        }
    }

    /** The next token, once it has passed the rules that go further than the parser's. */
    private static JsonToken next(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        boolean text = token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING;
        if (text && Utf8.hasUnpairedSurrogate(parser.getText())) {
            throw invalid(parser, "lone surrogate in a string");
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            try {
                parser.getDecimalValue();
            } catch (NumberFormatException e) {
                // An exponent beyond what BigDecimal holds: refused like any other bad number, never read as
                // infinity or as zero.
                throw invalid(parser, "number out of range");
            }
        }
        return token;
    }

    private static IllegalArgumentException invalid(JsonParser parser, String what) {
        return invalid(parser.currentTokenLocation(), what);
    }

    private static IllegalArgumentException invalid(JsonLocation where, String what) {
        boolean known = where != null && where.getByteOffset() >= 0;
        return new IllegalArgumentException("invalid JSON" + (known ? " at byte " + where.getByteOffset() : "") + ": "
                + what);
    }
}
