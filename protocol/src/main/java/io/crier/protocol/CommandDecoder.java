package io.crier.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
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

    static final Set<String> TYPES = Set.of("auth", "refresh", "subscribe", "unsubscribe", "publish", "ping",
            "history", "presence", "rpc");

    private final JsonFactory factory;
    /**
     * {@link #factory} without Jackson's duplicate detection, for the top-level object, whose names
     * {@link MemberNames} checks without a set for the command's own names; nested values get Jackson's detection.
     */
    private final JsonFactory topLevel;
    private final int maxDataBytes;

    CommandDecoder(JsonFactory factory, int maxDataBytes) {
        this.factory = factory;
        this.topLevel = factory.rebuild().disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
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
        CommandFields fields = new CommandFields();
        try {
            Malformed shape = scan(utf8, offset, length, fields);
            if (shape != null) {
                return shape;
            }
            fields.judgeSince(factory, utf8, offset);
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
    private Malformed scan(byte[] utf8, int offset, int length, CommandFields fields) throws IOException {
        try (JsonParser parser = topLevel.createParser(utf8, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Malformed(null, ErrorCode.BAD_JSON, "frame must be a JSON object");
            }
            MemberNames names = new MemberNames();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (!names.add(name)) {
                    return duplicateName(fields);
                }
                JsonToken value = parser.nextToken();
                boolean nested = value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY;
                if (nested) {
                    // Jackson's detection for this value's objects, at any depth: the context it opened gets it.
                    parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
                }
                readField(parser, name, value, fields);
                if (nested) {
                    parser.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
                }
            }
            fields.objectClosed = true;
            if (parser.nextToken() != null) {
                return new Malformed(fields.id, ErrorCode.BAD_JSON, "trailing data after the JSON object");
            }
            return null;
        }
    }

    private static Malformed syntaxError(CommandFields fields, JsonProcessingException failure) {
        if (StrictJson.isDuplicateField(failure)) {
            return duplicateName(fields);
        }
        String message = fields.objectClosed ? "trailing data after the JSON object" : "frame is not valid JSON";
        return new Malformed(fields.id, ErrorCode.BAD_JSON, message);
    }

    private static Malformed duplicateName(CommandFields fields) {
        return new Malformed(fields.id, ErrorCode.INVALID_FIELD, "duplicate field name");
    }

    private static void readField(JsonParser parser, String name, JsonToken value, CommandFields fields)
            throws IOException {
        switch (name) {
            case "type" -> fields.type = readText(parser, value);
            case "id" -> {
                fields.idPresent = true;
                fields.id = readId(parser, value);
            }
            case "token" -> fields.token = readText(parser, value);
            case "topic" -> fields.topic = readText(parser, value);
            case "method" -> fields.method = readText(parser, value);
            case "data" -> fields.data = ValueSpan.read(parser);
            // Judged once the type is known: a topic map on an auth, one position elsewhere.
            case "since" -> fields.sinceSpan = ValueSpan.read(parser);
            case "limit" -> fields.limit = CommandFields.readLimit(parser, value);
            case "countOnly" -> fields.countOnly = CommandFields.readCountOnly(parser, value);
            default -> parser.skipChildren();
        }
    }

    private static CommandFields.Text readText(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return new CommandFields.Text(parser.getText());
        }
        parser.skipChildren();
        return new CommandFields.Text(null);
    }

    /** The id as a JSON token, or null when it has the wrong type or length. */
    private static CommandId readId(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            String digits = parser.getText();
            return digits.length() <= MAX_ID_LENGTH ? new CommandId(digits) : null;
        }
        if (value == JsonToken.VALUE_STRING) {
            String text = parser.getText();
            // An id with an unpaired surrogate could not be echoed: a reply must be valid UTF-8.
            if (text.isEmpty() || text.length() > MAX_ID_LENGTH || Utf8.hasUnpairedSurrogate(text)) {
                return null;
            }
            // Re-escaped rather than copied, so that the echoed token is always a plain JSON string.
            return new CommandId('"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"');
        }
        parser.skipChildren();
        return null;
    }
}
