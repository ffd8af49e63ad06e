package io.crier.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one frame said, field by field (null fields were absent), and the judgement of the whole frame once
 * it has been read: the command it makes, or the first problem found. {@link CommandDecoder} fills it.
 *
 * <p>Not thread-safe: one instance per frame.
 */
final class CommandFields {

    private static final String SINCE_BY_TOPIC_SHAPE =
            "field 'since' of an auth must be an object {\"<topic>\":{\"offset\":<integer>,\"epoch\":<string>},...}";
    private static final String SINCE_SHAPE =
            "field 'since' must be an object {\"offset\":<integer>,\"epoch\":<string>}";

    Text type;
    boolean idPresent;
    CommandId id;
    Text token;
    Text topic;
    Text method;
    ValueSpan data;
    ValueSpan sinceSpan;
    Checked<Position> since;
    Checked<Map<String, Position>> sinceByTopic;
    Checked<Integer> limit;
    Checked<Boolean> countOnly;
    boolean objectClosed;

    /** A string field: {@code value} is null when the field is present but not a JSON string. */
    record Text(String value) {
    }

    /** A field whose value was checked as it was read: either {@code value}, or a problem to report. */
    record Checked<T>(T value, ErrorCode code, String message) {

        static <T> Checked<T> ok(T value) {
            return new Checked<>(value, null, null);
        }

        static <T> Checked<T> problem(ErrorCode code, String message) {
            return new Checked<>(null, code, message);
        }

        boolean bad() {
            return code != null;
        }
    }

    /**
     * Reads the {@code since} field found by the scan, now that the type is known: on an {@code auth} a map of
     * topics to positions ({@link #readSinceByTopic}), elsewhere one position ({@link #readSince}).
     */
    void judgeSince(JsonFactory factory, byte[] utf8, int offset) throws IOException {
        if (sinceSpan == null) {
            return;
        }
        try (JsonParser parser = factory.createParser(utf8, offset + sinceSpan.start(), sinceSpan.length())) {
            JsonToken first = parser.nextToken();
            if (type != null && "auth".equals(type.value())) {
                sinceByTopic = readSinceByTopic(parser, first);
            } else {
                since = readSince(parser, first);
            }
        }
    }

    /**
     * Reads {@code {"<topic>":{"offset":5,"epoch":"abc"},...}}: valid topic names (a duplicate name was refused
     * by the strict parser already), at most {@value Command.Auth#MAX_SINCE_TOPICS} of them, each position as
     * {@link #readSince} reads it. Nothing the client sent is echoed.
     */
    static Checked<Map<String, Position>> readSinceByTopic(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            return Checked.problem(ErrorCode.INVALID_FIELD, SINCE_BY_TOPIC_SHAPE);
        }
        Map<String, Position> positions = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String topic = parser.currentName();
            JsonToken inner = parser.nextToken();
            if (!Topics.isValid(topic)) {
                return Checked.problem(ErrorCode.BAD_TOPIC, "field 'since' names an invalid topic");
            }
            if (positions.size() == Command.Auth.MAX_SINCE_TOPICS) {
                return Checked.problem(ErrorCode.TOO_LARGE,
                        "field 'since' names more than " + Command.Auth.MAX_SINCE_TOPICS + " topics");
            }
            Checked<Position> position = readSince(parser, inner);
            if (position.bad()) {
                return Checked.problem(position.code(), position.message());
            }
            positions.put(topic, position.value());
        }
        return Checked.ok(positions);
    }

    /** Reads {@code {"offset":5,"epoch":"abc"}}; other fields inside are skipped. */
    static Checked<Position> readSince(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return Checked.problem(ErrorCode.INVALID_FIELD, SINCE_SHAPE);
        }
        Long offset = null;
        String epoch = null;
        Checked<Position> bad = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken inner = parser.nextToken();
            if ("offset".equals(name) && WireValues.isNonNegativeLong(parser, inner)) {
                offset = parser.getLongValue();
            } else if ("offset".equals(name)) {
                bad = bad != null ? bad : Checked.problem(ErrorCode.INVALID_FIELD,
                        "field 'since.offset' must be a non-negative integer");
            } else if ("epoch".equals(name) && inner == JsonToken.VALUE_STRING
                    && Position.isValidEpoch(parser.getText())) {
                epoch = parser.getText();
            } else if ("epoch".equals(name)) {
                bad = bad != null ? bad : Checked.problem(ErrorCode.INVALID_FIELD, "field 'since.epoch' must be 1 to "
                        + Position.MAX_EPOCH_LENGTH + " characters from A-Z a-z 0-9 _ - .");
            }
            parser.skipChildren();
        }
        if (bad != null) {
            return bad;
        }
        if (offset == null || epoch == null) {
            return Checked.problem(ErrorCode.MISSING_FIELD,
                    "missing field 'since." + (offset == null ? "offset" : "epoch") + "'");
        }
        return Checked.ok(new Position(offset, epoch));
    }

    static Checked<Integer> readLimit(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
            int limit = parser.getIntValue();
            if (limit >= 1 && limit <= Command.History.MAX_LIMIT) {
                return Checked.ok(limit);
            }
        }
        parser.skipChildren();
        return Checked.problem(ErrorCode.INVALID_FIELD,
                "field 'limit' must be an integer from 1 to " + Command.History.MAX_LIMIT);
    }

    static Checked<Boolean> readCountOnly(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
            return Checked.ok(value == JsonToken.VALUE_TRUE);
        }
        parser.skipChildren();
        return Checked.problem(ErrorCode.INVALID_FIELD, "field 'countOnly' must be true or false");
    }

    /** The command the frame makes, or its first problem; {@code utf8} and {@code offset} locate the frame. */
    Inbound toInbound(byte[] utf8, int offset, int maxDataBytes) {
        Malformed problem = typeOrIdProblem();
        if (problem != null) {
            return problem;
        }
        switch (type.value()) {
            case "auth":
                return auth(utf8, offset, maxDataBytes);
            case "refresh":
                return refresh();
            case "subscribe":
                return subscribe();
            case "unsubscribe":
                problem = topicProblem();
                return problem != null ? problem : new Command.Unsubscribe(id, topic.value());
            case "publish":
                return publish(utf8, offset, maxDataBytes);
            case "history":
                return history();
            case "presence":
                return presence();
            case "rpc":
                return rpc(utf8, offset, maxDataBytes);
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
        if (!CommandDecoder.TYPES.contains(type.value())) {
            return malformed(ErrorCode.UNKNOWN_TYPE, "unknown command type");
        }
        if (!idPresent) {
            return malformed(ErrorCode.MISSING_FIELD, "missing field 'id'");
        }
        if (id == null) {
            return malformed(ErrorCode.INVALID_FIELD, "field 'id' must be an integer or a string of 1 to "
                    + CommandDecoder.MAX_ID_LENGTH + " characters");
        }
        return null;
    }

    /** An absent token asks for an anonymous session; a present one must be a usable string. */
    private Inbound auth(byte[] utf8, int offset, int maxDataBytes) {
        Malformed tokenOrSince = firstProblem(token == null ? null : tokenValueProblem(), problemOf(sinceByTopic));
        Malformed problem = firstProblem(tokenOrSince, dataSizeProblem(maxDataBytes));
        if (problem != null) {
            return problem;
        }
        return new Command.Auth(id, token == null ? null : token.value(), valueOf(sinceByTopic),
                optionalData(utf8, offset));
    }

    private Inbound rpc(byte[] utf8, int offset, int maxDataBytes) {
        if (method == null) {
            return malformed(ErrorCode.MISSING_FIELD, "missing field 'method'");
        }
        if (method.value() == null || !Topics.isValid(method.value())) {
            return malformed(ErrorCode.INVALID_FIELD, "field 'method' must be 1 to " + Topics.MAX_LENGTH
                    + " characters from A-Z a-z 0-9 _ - . : @ =");
        }
        Malformed problem = dataSizeProblem(maxDataBytes);
        return problem != null ? problem : new Command.Rpc(id, method.value(), optionalData(utf8, offset));
    }

    private Malformed dataSizeProblem(int maxDataBytes) {
        return data != null && data.length() > maxDataBytes
                ? malformed(ErrorCode.TOO_LARGE, "field 'data' is larger than " + maxDataBytes + " bytes") : null;
    }

    private RawJson optionalData(byte[] utf8, int offset) {
        return data == null ? null : data.copyFrom(utf8, offset);
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
        if (value == null || value.isEmpty() || value.length() > CommandDecoder.MAX_TOKEN_LENGTH) {
            return malformed(ErrorCode.INVALID_FIELD,
                    "field 'token' must be a string of 1 to " + CommandDecoder.MAX_TOKEN_LENGTH + " characters");
        }
        return null;
    }

    private Inbound subscribe() {
        Malformed problem = firstProblem(topicProblem(), problemOf(since));
        return problem != null ? problem : new Command.Subscribe(id, topic.value(), valueOf(since));
    }

    private Inbound history() {
        Malformed problem = firstProblem(topicProblem(), firstProblem(problemOf(since), problemOf(limit)));
        if (problem != null) {
            return problem;
        }
        int pageSize = limit == null ? Command.History.DEFAULT_LIMIT : limit.value();
        return new Command.History(id, topic.value(), valueOf(since), pageSize);
    }

    private Inbound presence() {
        Malformed problem = firstProblem(topicProblem(), problemOf(countOnly));
        if (problem != null) {
            return problem;
        }
        return new Command.Presence(id, topic.value(), countOnly != null && countOnly.value());
    }

    private Inbound publish(byte[] utf8, int offset, int maxDataBytes) {
        Malformed problem = topicProblem();
        if (problem != null) {
            return problem;
        }
        if (data == null) {
            return malformed(ErrorCode.MISSING_FIELD, "missing field 'data'");
        }
        problem = dataSizeProblem(maxDataBytes);
        if (problem != null) {
            return problem;
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

    private Malformed problemOf(Checked<?> field) {
        return field != null && field.bad() ? malformed(field.code(), field.message()) : null;
    }

    private static <T> T valueOf(Checked<T> field) {
        return field == null ? null : field.value();
    }

    private static Malformed firstProblem(Malformed first, Malformed second) {
        return first != null ? first : second;
    }

    private Malformed malformed(ErrorCode code, String message) {
        return new Malformed(id, code, message);
    }
}
