package io.crier.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Decodes commands from, and encodes replies and pushes to, the UTF-8 JSON text of WebSocket frames; for
 * clients (load tools, tests) it also encodes commands. The wire shapes are specified in PROTOCOL.md and
 * pinned by golden files in this module's tests.
 *
 * <p>Stateless apart from its limits; thread-safe.
 */
public final class EnvelopeCodec {

    private static final byte[] MESSAGE_PREFIX = ascii("{\"type\":\"message\",\"topic\":\"");
    private static final byte[] MESSAGE_DATA = ascii("\",\"data\":");
    private static final byte[] MESSAGE_OFFSET = ascii("\",\"offset\":");
    private static final byte[] MESSAGE_EPOCH = ascii(",\"epoch\":\"");
    private static final byte[] HEARTBEAT = ascii("{\"type\":\"heartbeat\"}");

    private final int maxDataBytes;
    private final JsonOutput output;
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
        JsonFactory factory = StrictJson.newFactory();
        this.output = new JsonOutput(factory, 128);
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
        if (reply instanceof Reply.Error error) {
            return write(json -> {
                json.writeStringField("type", "error");
                writeId(json, error.id());
                json.writeStringField("code", error.code().wire());
                json.writeStringField("message", error.message());
            });
        }
        if (reply instanceof Reply.Refused refused) {
            return write(json -> {
                json.writeStringField("type", "error");
                writeId(json, refused.id());
                json.writeStringField("code", ErrorCode.REFUSED.wire());
                json.writeNumberField("appCode", refused.appCode());
                json.writeStringField("message", refused.message());
            });
        }
        return write(json -> {
            json.writeStringField("type", "ok");
            writeId(json, reply.id());
            writeOkFields(json, reply);
        });
    }

    /** Encodes a push to UTF-8 JSON. */
    public byte[] encode(Push push) {
        Objects.requireNonNull(push, "push");
        if (push instanceof Push.Message message) {
            return encodeMessage(message.topic(), message.data(), message.position());
        }
        if (push instanceof Push.Heartbeat) {
            return HEARTBEAT.clone();
        }
        return write(json -> writePushFields(json, push));
    }

    /**
     * Encodes a command to UTF-8 JSON, as a client sends it: fields in the order of PROTOCOL.md §5, the
     * {@code data} of a publish copied byte for byte, and fields at their default value left out. The result
     * decodes back to an equal command (given a {@code maxDataBytes} that admits its data).
     */
    public byte[] encodeCommand(Command command) {
        Objects.requireNonNull(command, "command");
        return write(json -> CommandEncoder.writeFields(json, command));
    }

    /**
     * Encodes {@code {"type":"message","topic":<topic>,"data":<data>}} by concatenating bytes: this runs
     * once per publication per node, and its result is shared by every local subscriber. Topic names
     * never need escaping, and {@code data} is already valid JSON.
     *
     * @throws IllegalArgumentException when {@code topic} is not a valid topic name
     */
    public byte[] encodeMessage(String topic, RawJson data) {
        return encodeMessage(topic, data, null);
    }

    /**
     * Encodes {@code {"type":"message","topic":<topic>,"offset":<offset>,"epoch":<epoch>,"data":<data>}}, or
     * without offset and epoch when {@code position} is null, by concatenating bytes (see
     * {@link #encodeMessage(String, RawJson)}). Epochs never need escaping either.
     *
     * @throws IllegalArgumentException when {@code topic} is not a valid topic name
     */
    public byte[] encodeMessage(String topic, RawJson data, Position position) {
        Topics.requireValid(topic);
        byte[] offset = position == null ? null : ascii(Long.toString(position.offset()));
        int size = MESSAGE_PREFIX.length + topic.length() + MESSAGE_DATA.length + data.length() + 1;
        if (position != null) {
            size += MESSAGE_OFFSET.length + offset.length + MESSAGE_EPOCH.length + position.epoch().length();
        }
        byte[] out = new byte[size];
        int at = JsonObjects.put(out, 0, MESSAGE_PREFIX);
        at = putAscii(out, at, topic); // topic characters are all ASCII
        if (position != null) {
            at = JsonObjects.put(out, at, MESSAGE_OFFSET);
            at = JsonObjects.put(out, at, offset);
            at = JsonObjects.put(out, at, MESSAGE_EPOCH);
            at = putAscii(out, at, position.epoch()); // so are epoch characters
        }
        at = JsonObjects.put(out, at, MESSAGE_DATA);
        at = data.copyTo(out, at);
        out[at] = '}';
        return out;
    }

    /** The fields of a push other than a message or a heartbeat. */
    private static void writePushFields(JsonGenerator json, Push push) throws IOException {
        if (push instanceof Push.Welcome welcome) {
            json.writeStringField("type", "welcome");
            json.writeStringField("session", welcome.session());
            json.writeStringField("node", welcome.node());
            json.writeStringField("user", welcome.user());
            json.writeNumberField("heartbeat", welcome.heartbeatSeconds());
        } else if (push instanceof Push.Disconnect disconnect) {
            Close code = disconnect.close();
            json.writeStringField("type", "disconnect");
            json.writeNumberField("code", code.code());
            json.writeStringField("reason", code.reason());
            json.writeBooleanField("reconnect", code.reconnect());
            if (disconnect.reconnectDelayMs() > 0) {
                json.writeNumberField("reconnectDelayMs", disconnect.reconnectDelayMs());
            }
        } else if (push instanceof Push.Expiring expiring) {
            json.writeStringField("type", "expiring");
            json.writeNumberField("in", expiring.inSeconds());
        } else if (push instanceof Push.Join join) {
            writeMembership(json, "join", join.topic(), join.user(), join.session());
        } else if (push instanceof Push.Leave leave) {
            writeMembership(json, "leave", leave.topic(), leave.user(), leave.session());
        } else if (push instanceof Push.Subscribed subscribed) {
            json.writeStringField("type", "subscribed");
            json.writeStringField("topic", subscribed.topic());
            if (subscribed.position() != null) {
                json.writeBooleanField("recovered", subscribed.recovered());
                writePosition(json, subscribed.position());
            }
        } else if (push instanceof Push.Unsubscribed unsubscribed) {
            json.writeStringField("type", "unsubscribed");
            json.writeStringField("topic", unsubscribed.topic());
        }
    }

    private static void writeMembership(JsonGenerator json, String type, String topic, String user, String session)
            throws IOException {
        json.writeStringField("type", type);
        json.writeStringField("topic", topic);
        json.writeStringField("user", user);
        json.writeStringField("session", session);
    }

    /**
     * The fields after {@code "type":"ok","id":...} of every reply but an error (also the server API's answers to
     * {@code presence} and {@code history}, {@link FleetApiCodec#encodeReply}).
     */
    static void writeOkFields(JsonGenerator json, Reply reply) throws IOException {
        if (reply instanceof Reply.Subscribed subscribed) {
            json.writeBooleanField("recovered", subscribed.recovered());
            writePosition(json, subscribed.position());
        } else if (reply instanceof Reply.HistoryPage page) {
            writePosition(json, page.position());
            json.writeBooleanField("complete", page.complete());
            json.writeArrayFieldStart("publications");
            for (Reply.HistoryItem item : page.publications()) {
                json.writeStartObject();
                json.writeNumberField("offset", item.offset());
                json.writeFieldName("data");
                json.writeRawValue(new RawValue(item.data()));
                json.writeEndObject();
            }
            json.writeEndArray();
        } else if (reply instanceof Reply.PresenceList list) {
            json.writeArrayFieldStart("presence");
            for (Reply.PresenceItem item : list.presence()) {
                json.writeStartObject();
                json.writeStringField("user", item.user());
                json.writeStringField("session", item.session());
                if (item.info() != null) {
                    json.writeFieldName("info");
                    json.writeRawValue(new RawValue(item.info()));
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        } else if (reply instanceof Reply.RpcResult result && result.data() != null) {
            json.writeFieldName("data");
            json.writeRawValue(new RawValue(result.data()));
        } else if (reply instanceof Reply.PresenceCount count) {
            json.writeNumberField("sessions", count.sessions());
            json.writeNumberField("users", count.users());
        }
    }

    private static void writePosition(JsonGenerator json, Position position) throws IOException {
        json.writeNumberField("offset", position.offset());
        json.writeStringField("epoch", position.epoch());
    }

    private static void writeId(JsonGenerator json, CommandId id) throws IOException {
        if (id != null) {
            json.writeFieldName("id");
            json.writeRawValue(id.json());
        }
    }

    private byte[] write(JsonObjects.Fields fields) {
        return output.write(fields);
    }

    private static int putAscii(byte[] out, int at, String text) {
        for (int i = 0; i < text.length(); i++) {
            out[at++] = (byte) text.charAt(i);
        }
        return at;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
