package io.crier.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Decodes commands from, and encodes replies and pushes to, the UTF-8 JSON text of WebSocket frames.
 * The wire shapes are specified in PROTOCOL.md and pinned by golden files in this module's tests.
 *
 * <p>Stateless apart from its limits; thread-safe.
 */
public final class EnvelopeCodec {

    private static final byte[] MESSAGE_PREFIX = ascii("{\"type\":\"message\",\"topic\":\"");
    private static final byte[] MESSAGE_DATA = ascii("\",\"data\":");
    private static final byte[] HEARTBEAT = ascii("{\"type\":\"heartbeat\"}");

    private final int maxDataBytes;
    private final JsonFactory factory;
    private final CommandDecoder decoder;

    /**
     * @param maxDataBytes the largest {@code data} value a {@code publish} may carry, in UTF-8 bytes;
     *                     a larger one is answered with {@link ErrorCode#TOO_LARGE}
     */
    public EnvelopeCodec(int maxDataBytes) {
        if (maxDataBytes < 1) {
            throw new IllegalArgumentException("maxDataBytes must be positive");
        }
        this.maxDataBytes = maxDataBytes;
        this.factory = StrictJson.newFactory();
        this.decoder = new CommandDecoder(factory, maxDataBytes);
    }

    /** The largest accepted {@code data} value, in bytes. */
    public int maxDataBytes() {
        return maxDataBytes;
    }

    /**
     * Decodes one text frame. Never throws for bad input: every problem becomes a {@link Malformed}
     * with its own {@link ErrorCode}, carrying the id when it could be read.
     *
     * @throws IndexOutOfBoundsException when {@code offset} and {@code length} do not fit {@code utf8}
     */
    public Inbound decode(byte[] utf8, int offset, int length) {
        return decoder.decode(utf8, offset, length);
    }

    /** Decodes one text frame held in the whole of {@code utf8}; see {@link #decode(byte[], int, int)}. */
    public Inbound decode(byte[] utf8) {
        return decoder.decode(utf8, 0, utf8.length);
    }

    /** Encodes a reply to UTF-8 JSON. */
    public byte[] encode(Reply reply) {
        Objects.requireNonNull(reply, "reply");
        if (reply instanceof Reply.Ok ok) {
            return write(json -> {
                json.writeStringField("type", "ok");
                writeId(json, ok.id());
            });
        }
        Reply.Error error = (Reply.Error) reply;
        return write(json -> {
            json.writeStringField("type", "error");
            writeId(json, error.id());
            json.writeStringField("code", error.code().wire());
            json.writeStringField("message", error.message());
        });
    }

    /** Encodes a push to UTF-8 JSON. */
    public byte[] encode(Push push) {
        Objects.requireNonNull(push, "push");
        if (push instanceof Push.Message message) {
            return encodeMessage(message.topic(), message.data());
        }
        if (push instanceof Push.Welcome welcome) {
            return write(json -> {
                json.writeStringField("type", "welcome");
                json.writeStringField("session", welcome.session());
                json.writeStringField("node", welcome.node());
                json.writeStringField("user", welcome.user());
                json.writeNumberField("heartbeat", welcome.heartbeatSeconds());
            });
        }
        if (push instanceof Push.Disconnect disconnect) {
            CloseCode code = disconnect.code();
            return write(json -> {
                json.writeStringField("type", "disconnect");
                json.writeNumberField("code", code.code());
                json.writeStringField("reason", code.reason());
                json.writeBooleanField("reconnect", code.reconnect());
                if (disconnect.reconnectDelayMs() > 0) {
                    json.writeNumberField("reconnectDelayMs", disconnect.reconnectDelayMs());
                }
            });
        }
        if (push instanceof Push.Expiring expiring) {
            return write(json -> {
                json.writeStringField("type", "expiring");
                json.writeNumberField("in", expiring.inSeconds());
            });
        }
        return HEARTBEAT.clone();
    }

    /**
     * Encodes {@code {"type":"message","topic":<topic>,"data":<data>}} by concatenating bytes: this runs
     * once per publication per node, and its result is shared by every local subscriber. Topic names
     * never need escaping, and {@code data} is already valid JSON.
     *
     * @throws IllegalArgumentException when {@code topic} is not a valid topic name
     */
    public byte[] encodeMessage(String topic, RawJson data) {
        Topics.requireValid(topic);
        int topicLength = topic.length();
        byte[] out = new byte[MESSAGE_PREFIX.length + topicLength + MESSAGE_DATA.length + data.length() + 1];
        System.arraycopy(MESSAGE_PREFIX, 0, out, 0, MESSAGE_PREFIX.length);
        int at = MESSAGE_PREFIX.length;
        for (int i = 0; i < topicLength; i++) {
            out[at++] = (byte) topic.charAt(i); // topic characters are all ASCII
        }
        System.arraycopy(MESSAGE_DATA, 0, out, at, MESSAGE_DATA.length);
        at = data.copyTo(out, at + MESSAGE_DATA.length);
        out[at] = '}';
        return out;
    }

    private static void writeId(JsonGenerator json, CommandId id) throws IOException {
        if (id != null) {
            json.writeFieldName("id");
            json.writeRawValue(id.json());
        }
    }

    private byte[] write(Fields fields) {
        ByteArrayBuilder out = new ByteArrayBuilder(128);
        try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            // Writing to memory cannot fail (Jackson escapes even unpaired surrogates), short of a bug.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The fields of one envelope, between its braces. */
    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }
}
