package io.crier.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.Objects;

/**
 * The format of a publication on the broker (the payload of a Redis PUBLISH), which backends write
 * with nothing but {@code redis-cli}: {@code {"data":<any JSON value>}}. Unknown fields are ignored so
 * that later versions can add some. The data value is carried as its exact bytes, never re-serialised.
 *
 * <p>Stateless apart from its limit; thread-safe.
 */
public final class PublicationCodec {

    /** The default for the largest broker payload accepted, in bytes: 1 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

    private static final byte[] PREFIX = {'{', '"', 'd', 'a', 't', 'a', '"', ':'};

    private final JsonFactory factory = StrictJson.newFactory();
    private final int maxPayloadBytes;

    /** A codec that accepts payloads up to {@link #DEFAULT_MAX_PAYLOAD_BYTES}. */
    public PublicationCodec() {
        this(DEFAULT_MAX_PAYLOAD_BYTES);
    }

    /** A codec that rejects broker payloads larger than {@code maxPayloadBytes}. */
    public PublicationCodec(int maxPayloadBytes) {
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes must be positive");
        }
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** The largest accepted broker payload, in bytes. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Encodes {@code {"data":<data>}}. */
    public byte[] encode(RawJson data) {
        byte[] out = new byte[PREFIX.length + data.length() + 1];
        System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
        out[data.copyTo(out, PREFIX.length)] = '}';
        return out;
    }

    /**
     * Reads the {@code data} value of a broker payload, as the exact bytes of that value. Throws nothing
     * but {@link MalformedPublicationException} for any content of {@code payload}.
     *
     * @throws MalformedPublicationException when the payload is larger than the limit, not UTF-8, not
     *                                       one JSON object, has no {@code data} field, or repeats a field
     */
    public RawJson decodeData(byte[] payload) throws MalformedPublicationException {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > maxPayloadBytes) {
            throw new MalformedPublicationException("payload is larger than " + maxPayloadBytes + " bytes");
        }
        if (!Utf8.isValidJsonText(payload, 0, payload.length)) {
            throw new MalformedPublicationException("payload is not valid UTF-8");
        }
        ValueSpan data;
        try {
            data = findData(payload);
        } catch (StreamConstraintsException e) {
            throw new MalformedPublicationException("payload nests JSON too deeply or has a value too long");
        } catch (JsonProcessingException e) {
            throw new MalformedPublicationException(
                    StrictJson.isDuplicateField(e) ? "duplicate field name" : "payload is not valid JSON");
        } catch (IOException | RuntimeException e) {
            // The parser is third-party code facing untrusted bytes: whatever it throws, the payload is
            // to be counted and dropped, and the broker's listener thread must go on.
            throw new MalformedPublicationException("payload is not valid JSON");
        }
        return data.copyFrom(payload, 0);
    }

    private ValueSpan findData(byte[] payload) throws IOException, MalformedPublicationException {
        try (JsonParser parser = factory.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedPublicationException("payload must be a JSON object");
            }
            ValueSpan data = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if ("data".equals(name)) {
                    data = ValueSpan.read(parser);
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new MalformedPublicationException("trailing data after the JSON object");
            }
            if (data == null) {
                throw new MalformedPublicationException("missing field 'data'");
            }
            return data;
        }
    }
}
