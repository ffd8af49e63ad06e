package io.crier.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.util.Objects;
import java.util.Set;

/**
 * Turns one inbound text frame into a {@link Command} or a {@link Malformed}, with one streaming pass
 * over the bytes. The whole object is read before its fields are judged, so that an error reply can
 * echo a valid id wherever it appears in the frame.
 *
 * <p>Thread-safe: it holds only its configuration; each call has its own parser and field state.
 */
final class CommandDecoder {

    /** The longest id: a string of this many UTF-16 code units, or an integer of this many characters. */
    static final int MAX_ID_LENGTH = 64;
    /** The longest token of an {@code auth} or {@code refresh} command, in characters. */
    static final int MAX_TOKEN_LENGTH = 8192;

    private static final Set<String> TYPES = Set.of("auth", "refresh", "subscribe", "unsubscribe", "publish", "ping");

    private final JsonFactory factory;
    private final int maxDataBytes;

    CommandDecoder(JsonFactory factory, int maxDataBytes) {
        this.factory = factory;
        this.maxDataBytes = maxDataBytes;
    }

    Inbound decode(byte[] utf8, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, utf8.length);
        if (length == 0) {
            return new Malformed(null, ErrorCode.BAD_JSON, "empty frame");
        }
        if (!Utf8.isValidJsonText(utf8, offset, length)) {
            return new Malformed(null, ErrorCode.BAD_JSON, "frame is not valid UTF-8");
        }
        Fields fields = new Fields();
        try {
            Malformed shape = scan(utf8, offset, length, fields);
            if (shape != null) {
                return shape;
            }
        } catch (StreamConstraintsException e) {
            return new Malformed(fields.id, ErrorCode.TOO_LARGE, "JSON nested too deeply or a value too long");
        } catch (JsonProcessingException e) {
            return syntaxError(fields, e);
        } catch (IOException | RuntimeException e) {
            // The parser is third-party code facing untrusted bytes: any failure of it is the frame's
            // fault as far as the session is concerned, and becomes an error reply, never an exception.
            return new Malformed(fields.id, ErrorCode.BAD_JSON, "frame is not valid JSON");
        }
        return fields.toInbound(utf8, offset, maxDataBytes);
    }

    /** Reads every field of the top-level object; returns a problem with the frame's shape, or null. */
    private Malformed scan(byte[] utf8, int offset, int length, Fields fields) throws IOException {
        try (JsonParser parser = factory.createParser(utf8, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Malformed(null, ErrorCode.BAD_JSON, "frame must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                readField(parser, fields);
            }
            fields.objectClosed = true;
            if (parser.nextToken() != null) {
                return new Malformed(fields.id, ErrorCode.BAD_JSON, "trailing data after the JSON object");
            }
            return null;
        }
    }

    private static Malformed syntaxError(Fields fields, JsonProcessingException failure) {
        if (StrictJson.isDuplicateField(failure)) {
            return new Malformed(fields.id, ErrorCode.INVALID_FIELD, "duplicate field name");
        }
        String message = fields.objectClosed ? "trailing data after the JSON object" : "frame is not valid JSON";
        return new Malformed(fields.id, ErrorCode.BAD_JSON, message);
    }

    private static void readField(JsonParser parser, Fields fields) throws IOException {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
            case "type" -> fields.type = readText(parser, value);
            case "id" -> {
                fields.idPresent = true;
                fields.id = readId(parser, value);
            }
            case "token" -> fields.token = readText(parser, value);
            case "topic" -> fields.topic = readText(parser, value);
            case "data" -> fields.data = ValueSpan.read(parser);
            default -> parser.skipChildren();
        }
    }

    private static Text readText(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return new Text(parser.getText());
        }
        parser.skipChildren();
        return new Text(null);
    }

    /** The id as a JSON token, or null when it has the wrong type or length. */
    private static CommandId readId(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            String digits = parser.getText();
            return digits.length() <= MAX_ID_LENGTH ? new CommandId(digits) : null;
        }
        if (value == JsonToken.VALUE_STRING) {
            String text = parser.getText();
            if (text.isEmpty() || text.length() > MAX_ID_LENGTH || hasUnpairedSurrogate(text)) {
                return null;
            }
            // Re-escaped rather than copied, so that the echoed token is always a plain JSON string.
            return new CommandId('"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"');
        }
        parser.skipChildren();
        return null;
    }

    /**
     * Whether {@code text} holds a surrogate that is not half of a pair (JSON lets a string escape one on its
     * own): such an id could not be echoed, since a reply must be valid UTF-8.
     */
    private static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** A string field: {@code value} is null when the field is present but not a JSON string. */
    private record Text(String value) {
    }

    /** What one frame said, field by field; null fields were absent. */
    private static final class Fields {
        Text type;
        boolean idPresent;
        CommandId id;
        Text token;
        Text topic;
        ValueSpan data;
        boolean objectClosed;

        Inbound toInbound(byte[] utf8, int offset, int maxDataBytes) {
            Malformed problem = typeOrIdProblem();
            if (problem != null) {
                return problem;
            }
            switch (type.value()) {
                case "auth":
                    return auth();
                case "refresh":
                    return refresh();
                case "subscribe":
                    problem = topicProblem();
                    return problem != null ? problem : new Command.Subscribe(id, topic.value());
                case "unsubscribe":
                    problem = topicProblem();
                    return problem != null ? problem : new Command.Unsubscribe(id, topic.value());
                case "publish":
                    return publish(utf8, offset, maxDataBytes);
                default:
                    // "ping": typeOrIdProblem() has ruled out every unknown type.
                    return new Command.Ping(id);
            }
        }

        private Malformed typeOrIdProblem() {
            if (type == null) {
                return malformed(ErrorCode.MISSING_FIELD, "missing field 'type'");
            }
            if (type.value() == null) {
                return malformed(ErrorCode.INVALID_FIELD, "field 'type' must be a string");
            }
            if (!TYPES.contains(type.value())) {
                return malformed(ErrorCode.UNKNOWN_TYPE, "unknown command type");
            }
            if (!idPresent) {
                return malformed(ErrorCode.MISSING_FIELD, "missing field 'id'");
            }
            if (id == null) {
                return malformed(ErrorCode.INVALID_FIELD,
                        "field 'id' must be an integer or a string of 1 to " + MAX_ID_LENGTH + " characters");
            }
            return null;
        }

        /** An absent token asks for an anonymous session; a present one must be a usable string. */
        private Inbound auth() {
            if (token == null) {
                return new Command.Auth(id, null);
            }
            Malformed problem = tokenValueProblem();
            return problem != null ? problem : new Command.Auth(id, token.value());
        }

        private Inbound refresh() {
            if (token == null) {
                return malformed(ErrorCode.MISSING_FIELD, "missing field 'token'");
            }
            Malformed problem = tokenValueProblem();
            return problem != null ? problem : new Command.Refresh(id, token.value());
        }

        private Malformed tokenValueProblem() {
            String value = token.value();
            if (value == null || value.isEmpty() || value.length() > MAX_TOKEN_LENGTH) {
                return malformed(ErrorCode.INVALID_FIELD,
                        "field 'token' must be a string of 1 to " + MAX_TOKEN_LENGTH + " characters");
            }
            return null;
        }

        private Inbound publish(byte[] utf8, int offset, int maxDataBytes) {
            Malformed problem = topicProblem();
            if (problem != null) {
                return problem;
            }
            if (data == null) {
                return malformed(ErrorCode.MISSING_FIELD, "missing field 'data'");
            }
            if (data.length() > maxDataBytes) {
                return malformed(ErrorCode.TOO_LARGE, "field 'data' is larger than " + maxDataBytes + " bytes");
            }
            return new Command.Publish(id, topic.value(), data.copyFrom(utf8, offset));
        }

        private Malformed topicProblem() {
            if (topic == null) {
                return malformed(ErrorCode.MISSING_FIELD, "missing field 'topic'");
            }
            if (topic.value() == null) {
                return malformed(ErrorCode.INVALID_FIELD, "field 'topic' must be a string");
            }
            if (!Topics.isValid(topic.value())) {
                return malformed(ErrorCode.BAD_TOPIC,
                        "topic must be 1 to " + Topics.MAX_LENGTH + " characters from A-Z a-z 0-9 _ - . : @ =");
            }
            return null;
        }

        private Malformed malformed(ErrorCode code, String message) {
            return new Malformed(id, code, message);
        }
    }
}
