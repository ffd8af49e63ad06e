package io.crier.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON of the server API ({@code POST /api/v1/<action>}, beside the publish API), which backends call, and
 * of the messages nodes pass on the control channel. Request bodies are one JSON object of the action's fields
 * ({@code {"user":"42","reconnect":true}}); the batch body is {@code {"commands":[{"action":"revoke",...},...]}}.
 * Answers are {@code {"sessions":3,"nodes":2}}, the action's own object ({@code info}), {@code {"results":[..]}}
 * for a batch, and {@code {"error":{"code":..,"message":..}}}. Times are Unix seconds, like a token's
 * {@code exp} and {@code iat}. {@code presence} and {@code history} answer with the fields of the WebSocket
 * protocol's reply to the same command ({@link #encodeReply}). Unknown fields are ignored; a wrong type, a missing field, a name that breaks
 * {@link #isValidName} or a time out of range rejects the action with a fixed message that never echoes the
 * request. Golden files in this module's tests pin the shapes.
 *
 * <p>Stateless apart from its limit; thread-safe.
 */
public final class FleetApiCodec {

    /** The longest user id or token id ({@code jti}) the API takes, in characters (a token's {@code sub} rule). */
    public static final int MAX_NAME_LENGTH = 256;
    /** The latest time the API takes: the end of year 9999, in Unix seconds. */
    public static final long MAX_SECONDS = 253_402_300_799L;
    /** The actions of the routes {@code /api/v1/<action>} (and of batch entries). */
    public static final List<String> ACTIONS = List.of("disconnect", "unsubscribe", "subscribe", "revoke",
            "invalidate", "block", "unblock", "presence", "history", "info");
    /** The route of the batch form. */
    public static final String BATCH = "batch";

    private static final String CONTROL_REACHED = "reached";

    private final JsonFactory factory = StrictJson.newFactory();
    private final int maxBatch;

    /** @param maxBatch the most actions one batch may hold */
    public FleetApiCodec(int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be positive");
        }
        this.maxBatch = maxBatch;
    }

    /**
     * Whether {@code name} may be a user id or a token id: 1 to {@value #MAX_NAME_LENGTH} characters, not blank,
     * with no control character, line or paragraph separator, or unpaired surrogate.
     */
    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.isBlank()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= name.length() || !Character.isLowSurrogate(name.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Decodes the body of {@code POST /api/v1/<route>}. Never throws for bad input.
     *
     * @param route the last path segment: one of {@link #ACTIONS} or {@link #BATCH}
     */
    public FleetApiRequest decode(String route, byte[] body) {
        Objects.requireNonNull(route, "route");
        if (!ACTIONS.contains(route) && !BATCH.equals(route)) {
            return new FleetApiRequest.Invalid(PublishApiError.INVALID_FIELD, "unknown action");
        }
        Object top = parse(body);
        if (top instanceof FleetApiRequest.Invalid invalid) {
            return invalid;
        }
        Map<?, ?> fields = (Map<?, ?>) top;
        if (!BATCH.equals(route)) {
            return new FleetApiRequest.Single(action(route, fields));
        }
        if (!(fields.get("commands") instanceof List<?> commands)) {
            return new FleetApiRequest.Invalid(PublishApiError.INVALID_FIELD, "'commands' must be an array");
        }
        if (commands.size() > maxBatch) {
            return new FleetApiRequest.Invalid(PublishApiError.TOO_LARGE,
                    "a batch holds at most " + maxBatch + " commands");
        }
        List<FleetAction> actions = new ArrayList<>(commands.size());
        for (Object command : commands) {
            actions.add(command instanceof Map<?, ?> entry ? batchEntry(entry)
                    : new FleetAction.Rejected(PublishApiError.INVALID_FIELD, "a command must be a JSON object"));
        }
        return new FleetApiRequest.Batch(actions);
    }

    private FleetAction batchEntry(Map<?, ?> entry) {
        Object name = entry.get("action");
        if (name == null) {
            return new FleetAction.Rejected(PublishApiError.MISSING_FIELD, "missing field 'action'");
        }
        if (!(name instanceof String action) || !ACTIONS.contains(action)) {
            return new FleetAction.Rejected(PublishApiError.INVALID_FIELD, "unknown action");
        }
        return action(action, entry);
    }

    private static FleetAction action(String name, Map<?, ?> fields) {
        try {
            return switch (name) {
                case "disconnect" -> new FleetAction.Disconnect(user(fields), flag(fields, "reconnect"));
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

    private static String user(Map<?, ?> fields) throws Refusal {
        return name(fields, "user");
    }

    private static String name(Map<?, ?> fields, String field) throws Refusal {
        Object value = required(fields, field);
        if (!(value instanceof String name) || !isValidName(name)) {
            throw new Refusal(PublishApiError.INVALID_FIELD, "'" + field + "' must be a string of 1 to "
                    + MAX_NAME_LENGTH + " characters without control characters");
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

    private static Instant time(Map<?, ?> fields, String field, boolean required) throws Refusal {
        Object value = required ? required(fields, field) : fields.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Long seconds) || seconds < 1 || seconds > MAX_SECONDS) {
            throw new Refusal(PublishApiError.INVALID_FIELD,
                    "'" + field + "' must be a whole number of Unix seconds from 1 to " + MAX_SECONDS);
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
    private Object parse(byte[] body) {
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
                if (items.size() <= maxBatch) {
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

    /** Encodes the answer to one action: {@code {"sessions":..,"nodes":..}}, its own body, or the error. */
    public byte[] encode(FleetApiResult result) {
        Objects.requireNonNull(result, "result");
        if (result instanceof FleetApiResult.Body body) {
            return body.json().toBytes();
        }
        return write(json -> writeResult(json, result));
    }

    /**
     * Encodes the answer to {@code presence} or {@code history}: the fields of the WebSocket protocol's {@code ok}
     * reply to the same command, without its {@code type} and {@code id}
     * ({@code {"presence":[..]}}, {@code {"sessions":3,"users":2}}, {@code {"offset":9,"epoch":"abc","complete":true,
     * "publications":[..]}}).
     */
    public byte[] encodeReply(Reply reply) {
        Objects.requireNonNull(reply, "reply");
        return write(json -> {
            json.writeStartObject();
            EnvelopeCodec.writeOkFields(json, reply);
            json.writeEndObject();
        });
    }

    /** Encodes the answer to a batch: {@code {"results":[..]}}, in request order. */
    public byte[] encodeBatch(List<FleetApiResult> results) {
        Objects.requireNonNull(results, "results");
        return write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("results");
            for (FleetApiResult result : results) {
                writeResult(json, result);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private static void writeResult(JsonGenerator json, FleetApiResult result) throws IOException {
        if (result instanceof FleetApiResult.Body body) {
            json.writeRawValue(new RawValue(body.json()));
            return;
        }
        json.writeStartObject();
        if (result instanceof FleetApiResult.Reached reached) {
            json.writeNumberField("sessions", reached.sessions());
            json.writeNumberField("nodes", reached.nodes());
        } else {
            FleetApiResult.Failed failed = (FleetApiResult.Failed) result;
            json.writeObjectFieldStart("error");
            json.writeStringField("code", failed.error().wire());
            json.writeStringField("message", failed.message());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    /**
     * Encodes a control message that asks every node to take {@code action} (not {@link FleetAction.Rejected} or
     * {@link FleetAction.Info}): {@code {"request":"r1","node":"n1","action":"revoke","jti":"..","exp":..}}, with
     * the action's fields as the API takes them (times in Unix milliseconds, suffixed {@code Ms}).
     */
    public byte[] encodeControl(String request, String node, FleetAction action) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(node, "node");
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("request", request);
            json.writeStringField("node", node);
            json.writeStringField("action", action.name());
            writeFields(json, action);
            json.writeEndObject();
        });
    }

    /** Encodes a node's answer to a control message: {@code {"request":"r1","node":"n2","reached":3}}. */
    public byte[] encodeReached(String request, String node, long sessions) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("request", request);
            json.writeStringField("node", node);
            json.writeNumberField(CONTROL_REACHED, sessions);
            json.writeEndObject();
        });
    }

    private static void writeFields(JsonGenerator json, FleetAction action) throws IOException {
        if (action instanceof FleetAction.Disconnect disconnect) {
            json.writeStringField("user", disconnect.user());
            json.writeBooleanField("reconnect", disconnect.reconnect());
        } else if (action instanceof FleetAction.Unsubscribe unsubscribe) {
            json.writeStringField("user", unsubscribe.user());
            json.writeStringField("topic", unsubscribe.topic());
        } else if (action instanceof FleetAction.Subscribe subscribe) {
            json.writeStringField("user", subscribe.user());
            json.writeStringField("topic", subscribe.topic());
        } else if (action instanceof FleetAction.Revoke revoke) {
            json.writeStringField("jti", revoke.tokenId());
            json.writeNumberField("expMs", revoke.expiresAt().toEpochMilli());
        } else if (action instanceof FleetAction.Invalidate invalidate) {
            json.writeStringField("user", invalidate.user());
            json.writeNumberField("issuedBeforeMs", Objects.requireNonNull(invalidate.issuedBefore(),
                    "a control message carries the time the taking node resolved").toEpochMilli());
        } else if (action instanceof FleetAction.Block block) {
            json.writeStringField("user", block.user());
            json.writeNumberField("untilMs", block.until().toEpochMilli());
        } else if (action instanceof FleetAction.Unblock unblock) {
            json.writeStringField("user", unblock.user());
        } else {
            throw new IllegalArgumentException("not a control action: " + action.name());
        }
    }

    /**
     * Decodes a control message: a {@link Control.Take} or a {@link Control.Reached}. Nodes wrote it, but Redis
     * lets anything publish on the channel: whatever is not one of the two forms is {@code null}.
     */
    public Control decodeControl(byte[] message) {
        Object top = parse(message);
        if (!(top instanceof Map<?, ?> fields) || !(fields.get("request") instanceof String request)
                || !(fields.get("node") instanceof String node)) {
            return null;
        }
        if (fields.get(CONTROL_REACHED) instanceof Long sessions && sessions >= 0) {
            return new Control.Reached(request, node, sessions);
        }
        try {
            FleetAction action = controlAction(fields);
            return action == null ? null : new Control.Take(request, node, action);
        } catch (Refusal | IllegalArgumentException | NullPointerException | java.time.DateTimeException e) {
            return null;
        }
    }

    private static FleetAction controlAction(Map<?, ?> fields) throws Refusal {
        if (!(fields.get("action") instanceof String name)) {
            return null;
        }
        return switch (name) {
            case "disconnect", "unsubscribe", "subscribe", "unblock" -> {
                FleetAction action = action(name, fields);
                yield action instanceof FleetAction.Rejected ? null : action;
            }
            case "revoke" -> new FleetAction.Revoke(name(fields, "jti"), millis(fields, "expMs"));
            case "invalidate" -> new FleetAction.Invalidate(user(fields), millis(fields, "issuedBeforeMs"));
            case "block" -> new FleetAction.Block(user(fields), millis(fields, "untilMs"));
            default -> null;
        };
    }

    private static Instant millis(Map<?, ?> fields, String field) throws Refusal {
        if (!(fields.get(field) instanceof Long millis) || millis < 0 || millis > MAX_SECONDS * 1000) {
            throw new Refusal(PublishApiError.INVALID_FIELD, field);
        }
        return Instant.ofEpochMilli(millis);
    }

    /** Encodes {@code {"error":{"code":..,"message":..}}}, the body of every error response. */
    public byte[] encodeError(PublishApiError error, String message) {
        return encode(new FleetApiResult.Failed(error, message));
    }

    private byte[] write(Body body) {
        ByteArrayBuilder out = new ByteArrayBuilder(64);
        try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    /** A field that breaks its rule: the action is rejected with this error and fixed message. */
    private static final class Refusal extends Exception {
        private final PublishApiError error;

        Refusal(PublishApiError error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    /** A decoded control message. Immutable; thread-safe. */
    public sealed interface Control {

        /** The request id the taking node chose, to match answers to it. */
        String request();

        /** The node that sent the message. */
        String node();

        /** Asks every node to take {@code action} on its live sessions. */
        record Take(String request, String node, FleetAction action) implements Control {
        }

        /** A node's answer: it reached {@code sessions} live sessions for the request. */
        record Reached(String request, String node, long sessions) implements Control {
        }
    }
}
