package io.crier.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;

/**
 * The JSON of the cluster view. One node's announcement, as stored in Redis:
 * {@code {"id":"n1","address":"10.0.0.5:8080","connections":3,"startedAt":"2026-01-01T00:00:00Z","version":"0.1.0"}};
 * the answer of {@code GET /api/v1/nodes}: {@code {"node":"<answering id>","nodes":[..]}}, each node as above
 * plus {@code "uptimeMs"}; and its error body {@code {"error":{"code":"unavailable","message":".."}}}. Reading
 * ignores unknown fields, so that nodes of a newer version can share a Redis with older ones. Golden files in
 * this module's tests pin every shape.
 *
 * <p>Stateless; thread-safe.
 */
public final class NodesCodec {

    /** The largest stored announcement read back, in bytes: more is not this codec's JSON. */
    public static final int MAX_STORED_BYTES = 4096;

    private final JsonFactory factory = StrictJson.newFactory();

    /** The stored form of {@code node}. */
    public byte[] encode(NodeInfo node) {
        Objects.requireNonNull(node, "node");
        return write(json -> writeNode(json, node, null));
    }

    /**
     * Reads back what {@link #encode} wrote (fields in any order, unknown ones skipped).
     *
     * @throws IllegalArgumentException when {@code stored} is not such an announcement
     */
    public NodeInfo decode(byte[] stored) {
        Objects.requireNonNull(stored, "stored");
        if (stored.length > MAX_STORED_BYTES || !Utf8.isValidJsonText(stored, 0, stored.length)) {
            throw new IllegalArgumentException("not a node announcement: too long or not UTF-8");
        }
        try (JsonParser parser = factory.createParser(stored)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a node announcement is a JSON object");
            }
            NodeInfo node = readNode(parser);
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("trailing data after the node announcement");
            }
            return node;
        } catch (IOException | RuntimeException e) {
            // The bytes come from Redis, where anything may have written them: whatever the parser or the
            // record reject is one answer, a malformed announcement.
            throw e instanceof IllegalArgumentException bad ? bad
                    : new IllegalArgumentException("not a node announcement: " + e.getMessage(), e);
        }
    }

    /**
     * The body of {@code GET /api/v1/nodes}: {@code self} (the answering node's id) and {@code nodes} in the
     * given order, each with its uptime at {@code now} (never negative, should clocks disagree).
     */
    public byte[] encodeList(String self, List<NodeInfo> nodes, Instant now) {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(nodes, "nodes");
        Objects.requireNonNull(now, "now");
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("node", self);
            json.writeArrayFieldStart("nodes");
            for (NodeInfo node : nodes) {
                writeNode(json, node, now);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** {@code {"error":{"code":..,"message":..}}}, the body of an error answer of the nodes API. */
    public byte[] encodeError(String code, String message) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        return write(json -> {
            json.writeStartObject();
            json.writeObjectFieldStart("error");
            json.writeStringField("code", code);
            json.writeStringField("message", message);
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    private static void writeNode(JsonGenerator json, NodeInfo node, Instant now) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", node.id());
        json.writeStringField("address", node.address());
        json.writeNumberField("connections", node.connections());
        json.writeStringField("startedAt", node.startedAt().toString());
        json.writeStringField("version", node.version());
        if (now != null) {
            json.writeNumberField("uptimeMs", Math.max(0, Duration.between(node.startedAt(), now).toMillis()));
        }
        json.writeEndObject();
    }

    private static NodeInfo readNode(JsonParser parser) throws IOException {
        String id = null;
        String address = null;
        long connections = -1;
        Instant startedAt = null;
        String version = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "id" -> id = text(parser, value, name);
                case "address" -> address = text(parser, value, name);
                case "connections" -> connections = number(parser, value);
                case "startedAt" -> startedAt = instant(text(parser, value, name));
                case "version" -> version = text(parser, value, name);
                default -> parser.skipChildren();
            }
        }
        if (id == null || address == null || connections < 0 || startedAt == null || version == null) {
            throw new IllegalArgumentException("a node announcement needs id, address, connections, startedAt"
                    + " and version");
        }
        return new NodeInfo(id, address, connections, startedAt, version);
    }

    private static String text(JsonParser parser, JsonToken value, String name) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("'" + name + "' must be a string");
        }
        return parser.getText();
    }

    private static long number(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
                && parser.getNumberType() != JsonParser.NumberType.LONG) {
            throw new IllegalArgumentException("'connections' must be a whole number");
        }
        return parser.getLongValue();
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'startedAt' must be an ISO-8601 instant", e);
        }
    }

    private byte[] write(Body body) {
        ByteArrayBuilder out = new ByteArrayBuilder(128);
        try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Writes one JSON document. */
    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }
}
