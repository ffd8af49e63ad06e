package io.crier.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The fields of one broker payload, read one by one from a parser, then judged as a whole by
 * {@link #toMessage(byte[])}: field order is free and unknown fields are skipped, so that later versions can
 * add some.
 *
 * <p>Not thread-safe: one instance per decode.
 */
final class PayloadFields {

    private ValueSpan data;
    private Long offset;
    private String epoch;
    private ChannelMessage.PresenceEvent join;
    private ChannelMessage.PresenceEvent leave;

    /** Reads the field whose name is the parser's current token, leaving the parser on its value's last token. */
    void read(JsonParser parser) throws IOException, MalformedPublicationException {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
            case "data" -> data = ValueSpan.read(parser);
            case "offset" -> offset = readOffset(parser, value);
            case "epoch" -> epoch = readEpoch(parser, value);
            case "join" -> join = readPresence(parser, value, true);
            case "leave" -> leave = readPresence(parser, value, false);
            default -> parser.skipChildren();
        }
    }

    /** The message these fields make up; {@code payload} is the parser's whole input. */
    ChannelMessage toMessage(byte[] payload) throws MalformedPublicationException {
        int kinds = (data != null ? 1 : 0) + (join != null ? 1 : 0) + (leave != null ? 1 : 0);
        if (kinds == 0) {
            throw new MalformedPublicationException("missing field 'data'");
        }
        if (kinds > 1) {
            throw new MalformedPublicationException("payload has more than one of 'data', 'join' and 'leave'");
        }
        if (join != null || leave != null) {
            return join != null ? join : leave;
        }
        if (offset == null && epoch == null) {
            return new ChannelMessage.Publication(data.copyFrom(payload, 0), null);
        }
        if (offset == null || epoch == null) {
            throw new MalformedPublicationException("fields 'offset' and 'epoch' come together or not at all");
        }
        return new ChannelMessage.Publication(data.copyFrom(payload, 0), new Position(offset, epoch));
    }

    private static long readOffset(JsonParser parser, JsonToken value) throws IOException,
            MalformedPublicationException {
        if (!WireValues.isNonNegativeLong(parser, value)) {
            throw new MalformedPublicationException("field 'offset' must be a non-negative integer");
        }
        return parser.getLongValue();
    }

    private static String readEpoch(JsonParser parser, JsonToken value) throws IOException,
            MalformedPublicationException {
        if (value != JsonToken.VALUE_STRING || !Position.isValidEpoch(parser.getText())) {
            throw new MalformedPublicationException("field 'epoch' must be 1 to " + Position.MAX_EPOCH_LENGTH
                    + " characters from A-Z a-z 0-9 _ - .");
        }
        return parser.getText();
    }

    /** Reads {@code {"user":"alice","session":"n1-3"}}; other fields inside are skipped. */
    private static ChannelMessage.PresenceEvent readPresence(JsonParser parser, JsonToken value, boolean join)
            throws IOException, MalformedPublicationException {
        String field = join ? "join" : "leave";
        if (value != JsonToken.START_OBJECT) {
            throw new MalformedPublicationException("field '" + field + "' must be an object");
        }
        String user = null;
        String session = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken inner = parser.nextToken();
            if ("user".equals(name) || "session".equals(name)) {
                if (inner != JsonToken.VALUE_STRING) {
                    throw new MalformedPublicationException("field '" + field + "." + name + "' must be a string");
                }
                if ("user".equals(name)) {
                    user = parser.getText();
                } else {
                    session = parser.getText();
                }
            } else {
                parser.skipChildren();
            }
        }
        if (user == null || session == null || session.isEmpty()) {
            throw new MalformedPublicationException("field '" + field + "' needs a 'user' and a non-empty 'session'");
        }
        return new ChannelMessage.PresenceEvent(join, user, session);
    }
}
