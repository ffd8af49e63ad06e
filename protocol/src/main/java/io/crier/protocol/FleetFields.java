package io.crier.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the server API's codecs ({@link FleetApiCodec}, {@link FleetControlCodec}) share: the strict reading of a
 * body into maps, lists, strings, longs and booleans, the rule of each action's fields, and the writing of JSON.
 *
 * <p>Stateless apart from its limit; thread-safe.
 */
final class FleetFields {

    private final JsonFactory factory = StrictJson.newFactory();
    private final int maxItems;

    /** @param maxItems the most items of an array kept (a batch's commands); more are parsed and dropped */
    FleetFields(int maxItems) {
        this.maxItems = maxItems;
    }

    /** The action {@code name} from its {@code fields}, or {@link FleetAction.Rejected}. */
    static FleetAction action(String name, Map<?, ?> fields) {
        try {
            return switch (name) {
                case "disconnect" -> disconnect(fields);
                case "unsubscribe" -> new FleetAction.Unsubscribe(user(fields), topic(fields));
                case "subscribe" -> new FleetAction.Subscribe(user(fields), topic(fields));
                case "revoke" -> new FleetAction.Revoke(name(fields, "jti"), time(fields, "exp", true));
                case "invalidate" -> new FleetAction.Invalidate(user(fields), time(fields, "issuedBefore", false));
                case "block" -> new FleetAction.Block(user(fields), time(fields, "until", true));
                case "unblock" -> new FleetAction.Unblock(user(fields));
                case "presence" -> new FleetAction.Presence(topic(fields), flag(fields, "countOnly"));
                case "history" -> new FleetAction.History(topic(fields), since(fields), limit(fields));
                default -> new FleetAction.Info();
            };
        } catch (Refusal refusal) {
            return new FleetAction.Rejected(refusal.error, refusal.getMessage());
        }
    }

    /**
     * A disconnect: without {@code code}, Crier's own 4010/4510 as {@code reconnect} says; with one, an application
     * code and its required {@code reason} ({@link Close#app}), and a {@code reconnect} that, when present, must
     * agree with the code's range.
     */
    private static FleetAction.Disconnect disconnect(Map<?, ?> fields) throws Refusal {
        String user = user(fields);
        boolean reconnect = flag(fields, "reconnect");
        Object code = fields.get("code");
        if (code == null) {
            if (fields.get("reason") != null) {
                throw new Refusal(PublishApiError.INVALID_FIELD, "'reason' goes with a 'code'");
            }
            return new FleetAction.Disconnect(user, reconnect);
        }
        if (!(code instanceof Long number) || !Close.isAppCode(number)) {
            throw new Refusal(PublishApiError.INVALID_FIELD,
                    "'code' must be an application close code: 4100 to 4499 (reconnect) or 4600 to 4999");
        }
        if (!(required(fields, "reason") instanceof String reason) || !Close.isAppReason(reason)) {
            throw new Refusal(PublishApiError.INVALID_FIELD,
                    "'reason' must be 1 to " + Close.MAX_APP_REASON_BYTES + " characters of a-z 0-9 _");
        }
        Close close = Close.app(number.intValue(), reason);
        if (fields.get("reconnect") != null && reconnect != close.reconnect()) {
            throw new Refusal(PublishApiError.INVALID_FIELD, "'reconnect' contradicts the range of 'code'");
        }
        return new FleetAction.Disconnect(user, close);
    }

    static String user(Map<?, ?> fields) throws Refusal {
        return name(fields, "user");
    }

    static String name(Map<?, ?> fields, String field) throws Refusal {
        Object value = required(fields, field);
        if (!(value instanceof String name) || !UserIds.isValid(name)) {
            throw new Refusal(PublishApiError.INVALID_FIELD, "'" + field + "' must be a string of 1 to "
                    + FleetApiCodec.MAX_NAME_LENGTH + " characters without control characters");
        }
        return name;
    }

    private static String topic(Map<?, ?> fields) throws Refusal {
        Object value = required(fields, "topic");
        if (!(value instanceof String topic) || !Topics.isValid(topic)) {
            throw new Refusal(PublishApiError.BAD_TOPIC,
                    "topic must be 1 to " + Topics.MAX_LENGTH + " characters of A-Z a-z 0-9 _ - . : @ =");
        }
        return topic;
    }

    private static boolean flag(Map<?, ?> fields, String field) throws Refusal {
        Object value = fields.get(field);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean flag)) {
            throw new Refusal(PublishApiError.INVALID_FIELD, "'" + field + "' must be true or false");
        }
        return flag;
    }

    private static Position since(Map<?, ?> fields) throws Refusal {
        Object value = fields.get("since");
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> since) || !(since.get("offset") instanceof Long offset) || offset < 0
                || !(since.get("epoch") instanceof String epoch) || !Position.isValidEpoch(epoch)) {
            throw new Refusal(PublishApiError.INVALID_FIELD, "'since' must be {\"offset\":<integer from 0>,"
                    + "\"epoch\":<1 to " + Position.MAX_EPOCH_LENGTH + " characters of A-Z a-z 0-9 _ - .>}");
        }
        return new Position(offset, epoch);
    }

    private static int limit(Map<?, ?> fields) throws Refusal {
        Object value = fields.get("limit");
        if (value == null) {
            return Command.History.DEFAULT_LIMIT;
        }
        if (!(value instanceof Long limit) || limit < 1 || limit > Command.History.MAX_LIMIT) {
            throw new Refusal(PublishApiError.INVALID_FIELD,
                    "'limit' must be an integer from 1 to " + Command.History.MAX_LIMIT);
        }
        return limit.intValue();
    }

    static Instant time(Map<?, ?> fields, String field, boolean required) throws Refusal {
        Object value = required ? required(fields, field) : fields.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Long seconds) || seconds < 1 || seconds > FleetApiCodec.MAX_SECONDS) {
            throw new Refusal(PublishApiError.INVALID_FIELD,
                    "'" + field + "' must be a whole number of Unix seconds from 1 to " + FleetApiCodec.MAX_SECONDS);
        }
        return Instant.ofEpochSecond(seconds);
    }

    private static Object required(Map<?, ?> fields, String field) throws Refusal {
        Object value = fields.get(field);
        if (value == null) {
            throw new Refusal(PublishApiError.MISSING_FIELD, "missing field '" + field + "'");
        }
        return value;
    }

    /** The body as nested maps and lists of strings, longs and booleans, or {@link FleetApiRequest.Invalid}. */
    Object parse(byte[] body) {
        if (!Utf8.isValidJsonText(body, 0, body.length)) {
            return new FleetApiRequest.Invalid(PublishApiError.BAD_JSON, "body is not valid UTF-8 JSON");
        }
        try (JsonParser parser = factory.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new FleetApiRequest.Invalid(PublishApiError.BAD_JSON, "body must be a JSON object");
            }
            Object value = read(parser, 0);
            if (parser.nextToken() != null) {
                return new FleetApiRequest.Invalid(PublishApiError.BAD_JSON, "trailing data after the JSON object");
            }
            return value;
        } catch (StreamConstraintsException e) {
            return new FleetApiRequest.Invalid(PublishApiError.BAD_JSON,
                    "body nests JSON too deeply or has a value too long");
        } catch (JsonProcessingException e) {
            return new FleetApiRequest.Invalid(PublishApiError.BAD_JSON,
                    StrictJson.isDuplicateField(e) ? "duplicate field name" : "body is not valid JSON");
        } catch (IOException | RuntimeException e) {
            // The parser is third-party code facing untrusted bytes: whatever it throws, the body is bad JSON.
            return new FleetApiRequest.Invalid(PublishApiError.BAD_JSON, "body is not valid JSON");
        }
    }

    /**
     * The value at the current token: objects (to depth 2: the body and a batch's commands) as maps, arrays as
     * lists, strings, whole numbers as longs (a number beyond a long is {@link #OTHER}), booleans; anything else
     * (null, fractions, deeper values) as {@link #OTHER}, which no field accepts.
     */
    private Object read(JsonParser parser, int depth) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT && depth < 3) {
            Map<String, Object> fields = new HashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                fields.put(name, read(parser, depth + 1));
            }
            return fields;
        }
        if (token == JsonToken.START_ARRAY && depth == 1) {
            List<Object> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                // Past the limit the rest is still parsed (a syntax error wins) but no longer kept.
                Object item = read(parser, depth + 1);
                if (items.size() <= maxItems) {
                    items.add(item);
                }
            }
            return items;
        }
        return switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.INT
                    || parser.getNumberType() == JsonParser.NumberType.LONG ? (Object) parser.getLongValue() : OTHER;
            default -> {
                parser.skipChildren();
                yield OTHER;
            }
        };
    }

    /** A JSON value that no field takes. */
    private static final Object OTHER = new Object();

    /** The JSON {@code body} writes, as UTF-8 bytes. */
    byte[] write(StrictJson.Body body) {
        return StrictJson.write(factory, body);
    }

    /** A field that breaks its rule: the action is rejected with this error and fixed message. */
    static final class Refusal extends Exception {
        final PublishApiError error;

        Refusal(PublishApiError error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

}
