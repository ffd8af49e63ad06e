package io.crier.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The format of the broker payloads on a topic's channel (the message of a Redis PUBLISH), which backends
 * write with nothing but {@code redis-cli}:
 * <ul>
 *   <li>{@code {"data":<any JSON value>}}: a publication on a topic without history;</li>
 *   <li>{@code {"offset":7,"epoch":"abc","data":<value>}}: a publication on a topic with history (written by
 *       the history store's Redis function, which builds these exact bytes by concatenation);</li>
 *   <li>{@code {"join":{"user":"alice","session":"n1-3"}}} and {@code {"leave":{...}}}: presence events.</li>
 * </ul>
 * On input the field order is free and unknown fields are ignored, so that later versions can add some. The
 * data value is carried as its exact bytes, never re-serialised.
 *
 * <p>Stateless apart from its limit; thread-safe.
 */
public final class PublicationCodec {

    /** The default for the largest broker payload accepted, in bytes: 1 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

    private static final byte[] PREFIX = ascii("{\"data\":");
    private static final byte[] OFFSET_PREFIX = ascii("{\"offset\":");
    private static final byte[] EPOCH_PREFIX = ascii(",\"epoch\":\"");
    private static final byte[] EPOCH_DATA = ascii("\",\"data\":");

    private final JsonFactory factory = StrictJson.newFactory();
    private final JsonOutput presenceOutput = new JsonOutput(factory, 64);
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
     * Encodes {@code {"offset":<offset>,"epoch":"<epoch>","data":<data>}}, in exactly this field order and with
     * no spaces: the history store's Redis function builds the same bytes by concatenation.
     */
    public byte[] encode(RawJson data, Position position) {
        Objects.requireNonNull(position, "position");
        byte[] offset = ascii(Long.toString(position.offset()));
        String epoch = position.epoch();
        byte[] out = new byte[OFFSET_PREFIX.length + offset.length + EPOCH_PREFIX.length + epoch.length()
                + EPOCH_DATA.length + data.length() + 1];
        int at = JsonObjects.put(out, 0, OFFSET_PREFIX);
        at = JsonObjects.put(out, at, offset);
        at = JsonObjects.put(out, at, EPOCH_PREFIX);
        for (int i = 0; i < epoch.length(); i++) {
            out[at++] = (byte) epoch.charAt(i); // the epoch rules allow ASCII only, none of it escaped
        }
        at = JsonObjects.put(out, at, EPOCH_DATA);
        out[data.copyTo(out, at)] = '}';
        return out;
    }

    /** Encodes {@code {"join":{"user":<user>,"session":<session>}}}. */
    public byte[] encodeJoin(String user, String session) {
        return encodePresence("join", user, session);
    }

    /** Encodes {@code {"leave":{"user":<user>,"session":<session>}}}. */
    public byte[] encodeLeave(String user, String session) {
        return encodePresence("leave", user, session);
    }

    /**
     * Decodes a broker payload. Throws nothing but {@link MalformedPublicationException} for any content of
     * {@code payload}.
     *
     * @throws MalformedPublicationException when the payload is larger than the limit, not UTF-8, not one JSON
     *                                       object, repeats a field, has none or more than one of {@code data},
     *                                       {@code join} and {@code leave}, has only one of {@code offset} and
     *                                       {@code epoch}, or has a field of a known name with a bad value
     */
    public ChannelMessage decode(byte[] payload) throws MalformedPublicationException {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > maxPayloadBytes) {
            throw new MalformedPublicationException("payload is larger than " + maxPayloadBytes + " bytes");
        }
        if (!Utf8.isValidJsonText(payload, 0, payload.length)) {
            throw new MalformedPublicationException("payload is not valid UTF-8");
        }
        try {
            return read(payload);
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
    }

    /**
     * Reads the {@code data} value of a publication payload, as the exact bytes of that value; see
     * {@link #decode(byte[])}, of which this keeps only the data.
     *
     * @throws MalformedPublicationException when {@link #decode(byte[])} throws, or the payload is a presence
     *                                       event
     */
    public RawJson decodeData(byte[] payload) throws MalformedPublicationException {
        if (decode(payload) instanceof ChannelMessage.Publication publication) {
            return publication.data();
        }
        throw new MalformedPublicationException("missing field 'data'");
    }

    private ChannelMessage read(byte[] payload) throws IOException, MalformedPublicationException {
        try (JsonParser parser = factory.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedPublicationException("payload must be a JSON object");
            }
            PayloadFields fields = new PayloadFields();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                fields.read(parser);
            }
            if (parser.nextToken() != null) {
                throw new MalformedPublicationException("trailing data after the JSON object");
            }
            return fields.toMessage(payload);
        }
    }

    private byte[] encodePresence(String kind, String user, String session) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(session, "session");
        return presenceOutput.write(json -> {
            json.writeObjectFieldStart(kind);
            json.writeStringField("user", user);
            json.writeStringField("session", session);
            json.writeEndObject();
        });
    }


    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
