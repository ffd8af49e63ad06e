package io.crier.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The JSON of the proxy hooks, which a node posts to the backend (PROTOCOL.md §16): it encodes each
 * {@link HookRequest} and decodes the backend's answer strictly: one JSON object of at most {@code maxBodyBytes},
 * no duplicate field names at any depth, exactly one of {@code result}, {@code error} and {@code disconnect},
 * each field of the right type and within its bounds, the fields the hook needs present; unknown fields are ignored.
 * Golden files in this module's tests pin every shape. {@code data} and {@code info} values are carried as their
 * exact bytes.
 *
 * <p>Stateless apart from its limits; thread-safe.
 */
public final class HookCodec {

    /** The most entries of {@code topics}, {@code subscribe} or {@code publish} in a connect result. */
    public static final int MAX_LIST = 1000;
    /** The longest topic pattern in a connect result, in characters (a user id follows {@link UserIds}). */
    public static final int MAX_NAME_LENGTH = 256;
    /** The latest {@code expireAt}: the end of year 9999, in seconds since the epoch. */
    static final long MAX_EXPIRE_AT = 253_402_300_799L;

    private final JsonFactory factory = StrictJson.newFactory();
    private final int maxBodyBytes;
    private final int maxDataBytes;

    /**
     * @param maxBodyBytes the largest response body accepted, in bytes
     * @param maxDataBytes the largest {@code data} value of a publish or rpc result, in bytes
     */
    public HookCodec(int maxBodyBytes, int maxDataBytes) {
        if (maxBodyBytes < 1 || maxDataBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes and maxDataBytes must be positive");
        }
        this.maxBodyBytes = maxBodyBytes;
        this.maxDataBytes = maxDataBytes;
    }

    /** The body of {@code request}, as UTF-8 JSON. */
    public byte[] encode(HookRequest request) {
        Objects.requireNonNull(request, "request");
        return JsonObjects.write(factory, 128, json -> writeRequest(json, request));
    }

    /**
     * Decodes the backend's answer to a {@code kind} hook. Never throws for bad input: a body that breaks the
     * contract becomes {@link HookResponse.Invalid}.
     */
    public HookResponse decode(HookKind kind, byte[] body) {
        Objects.requireNonNull(kind, "kind");
        if (body.length > maxBodyBytes) {
            return invalid("body larger than " + maxBodyBytes + " bytes");
        }
        if (!StrictJson.isJsonText(body)) {
            return invalid("body is not UTF-8 JSON text");
        }
        try (JsonParser parser = factory.createParser(body)) {
            return readResponse(kind, parser, body);
        } catch (StreamConstraintsException e) {
            return invalid("body nests too deeply or has a value too long");
        } catch (JsonProcessingException e) {
            return invalid(StrictJson.isDuplicateField(e) ? "duplicate field name" : "body is not valid JSON");
        } catch (IOException | RuntimeException e) {
            // The parser is third-party code facing a backend's bytes: whatever it throws, the body is bad.
            return invalid("body is not valid JSON");
        }
    }

    private static void writeRequest(JsonGenerator json, HookRequest request) throws IOException {
        if (request instanceof HookRequest.Connect connect) {
            json.writeStringField("node", connect.node());
            writeData(json, connect.data());
        } else if (request instanceof HookRequest.Refresh refresh) {
            writeSessionFields(json, refresh.node(), refresh.session(), refresh.user());
        } else if (request instanceof HookRequest.Subscribe subscribe) {
            writeSessionFields(json, subscribe.node(), subscribe.session(), subscribe.user());
            json.writeStringField("topic", subscribe.topic());
        } else if (request instanceof HookRequest.Publish publish) {
            writeSessionFields(json, publish.node(), publish.session(), publish.user());
            json.writeStringField("topic", publish.topic());
            writeData(json, publish.data());
        } else if (request instanceof HookRequest.Rpc rpc) {
            writeSessionFields(json, rpc.node(), rpc.session(), rpc.user());
            json.writeStringField("method", rpc.method());
            writeData(json, rpc.data());
        }
    }

    private static void writeSessionFields(JsonGenerator json, String node, String session, String user)
            throws IOException {
        json.writeStringField("node", node);
        json.writeStringField("session", session);
        json.writeStringField("user", user);
    }

    private static void writeData(JsonGenerator json, RawJson data) throws IOException {
        if (data != null) {
            json.writeFieldName("data");
            json.writeRawValue(new RawValue(data));
        }
    }

    private HookResponse readResponse(HookKind kind, JsonParser parser, byte[] body) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return invalid("body must be a JSON object");
        }
        HookResponse found = null;
        int answers = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            HookResponse read = switch (name) {
                case "result" -> readResult(kind, parser, value, body);
                case "error" -> readError(parser, value);
                case "disconnect" -> readDisconnect(parser, value);
                default -> {
                    parser.skipChildren();
                    yield null;
                }
            };
            if (read != null) {
                answers++;
                found = found instanceof HookResponse.Invalid ? found : read;
            }
        }
        if (parser.nextToken() != null) {
            return invalid("trailing data after the JSON object");
        }
        if (answers != 1) {
            return invalid("a response holds exactly one of result, error and disconnect");
        }
        return found;
    }

    private HookResponse readResult(HookKind kind, JsonParser parser, JsonToken value, byte[] body)
            throws IOException {
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return invalid("'result' must be an object");
        }
        String user = null;
        Instant expireAt = null;
        RawJson info = null;
        RawJson data = null;
        List<String> topics = List.of();
        List<String> subscribe = List.of();
        List<String> publish = List.of();
        String problem = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (name) {
                case "user" -> {
                    user = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                    if (!UserIds.isValid(user)) {
                        problem = first(problem, "'result.user' must be a string of 1 to " + UserIds.MAX_LENGTH
                                + " printable characters, not blank");
                    }
                }
                case "expireAt" -> {
                    if (WireValues.isNonNegativeLong(parser, token) && parser.getLongValue() > 0
                            && parser.getLongValue() <= MAX_EXPIRE_AT) {
                        expireAt = Instant.ofEpochSecond(parser.getLongValue());
                    } else {
                        problem = first(problem, "'result.expireAt' must be a positive integer of seconds");
                    }
                }
                case "info" -> info = ValueSpan.read(parser).copyFrom(body, 0);
                case "data" -> {
                    ValueSpan span = ValueSpan.read(parser);
                    data = span.copyFrom(body, 0);
                    if (span.length() > maxDataBytes) {
                        problem = first(problem, "'result.data' is larger than " + maxDataBytes + " bytes");
                    }
                }
                case "topics" -> {
                    topics = readNames(parser, token, true);
                    problem = first(problem, topics == null ? "'result.topics' must be an array of topics" : null);
                }
                case "subscribe" -> {
                    subscribe = readNames(parser, token, false);
                    problem = first(problem, subscribe == null ? "'result.subscribe' must be an array of patterns"
                            : null);
                }
                case "publish" -> {
                    publish = readNames(parser, token, false);
                    problem = first(problem, publish == null ? "'result.publish' must be an array of patterns"
                            : null);
                }
                default -> parser.skipChildren();
            }
        }
        if (problem != null) {
            return invalid(problem);
        }
        if (kind == HookKind.CONNECT && user == null) {
            return invalid("a connect result needs 'user'");
        }
        if (kind == HookKind.REFRESH && expireAt == null) {
            return invalid("a refresh result needs 'expireAt'");
        }
        return new HookResponse.Result(user, expireAt, info, topics, subscribe, publish, data);
    }

    /** An array of at most {@value #MAX_LIST} strings (valid topics when {@code topicsOnly}); null when bad. */
    private static List<String> readNames(JsonParser parser, JsonToken value, boolean topicsOnly) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return null;
        }
        List<String> names = new ArrayList<>();
        boolean bad = false;
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
            String name = item == JsonToken.VALUE_STRING ? parser.getText() : null;
            parser.skipChildren();
            bad |= name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH
                    || (topicsOnly && !Topics.isValid(name)) || names.size() >= MAX_LIST;
            if (!bad) {
                names.add(name);
            }
        }
        return bad ? null : names;
    }

    private static HookResponse readError(JsonParser parser, JsonToken value) throws IOException {
        Object read = readCodeAndText(parser, value, "error", "message", HookResponse.MIN_APP_CODE,
                HookResponse.MAX_APP_CODE, text -> text.length() <= HookResponse.MAX_MESSAGE_LENGTH,
                "a message of at most " + HookResponse.MAX_MESSAGE_LENGTH + " characters");
        return read instanceof CodeAndText ok ? new HookResponse.Error(ok.code(), ok.text()) : (HookResponse) read;
    }

    private static HookResponse readDisconnect(JsonParser parser, JsonToken value) throws IOException {
        Object read = readCodeAndText(parser, value, "disconnect", "reason", 4000, 4999,
                text -> text.getBytes(StandardCharsets.UTF_8).length <= HookResponse.MAX_REASON_BYTES,
                "a reason of at most " + HookResponse.MAX_REASON_BYTES + " bytes");
        if (read instanceof CodeAndText ok && Close.isAppCode(ok.code()) && !Close.isAppReason(ok.text())) {
            return invalid("'disconnect' with an application code (4100..4499, 4600..4999) needs a reason of 1 to "
                    + Close.MAX_APP_REASON_BYTES + " characters of a-z 0-9 _");
        }
        return read instanceof CodeAndText ok ? new HookResponse.Disconnect(ok.code(), ok.text()) : (HookResponse) read;
    }

    /** The {@code code} and the text field of an {@code error} or a {@code disconnect}. */
    private record CodeAndText(int code, String text) {
    }

    /**
     * Reads {@code {"code":<min..max>,"<textName>":"<text that textOk accepts>"}}, other fields ignored: a
     * {@link CodeAndText}, or the {@link HookResponse.Invalid} that says what is wrong.
     */
    private static Object readCodeAndText(JsonParser parser, JsonToken value, String object, String textName,
                                          int min, int max, Predicate<String> textOk, String textShape)
            throws IOException {
        String shape = "'" + object + "' needs a code of " + min + ".." + max + " and " + textShape;
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return invalid(shape);
        }
        Integer code = null;
        String text = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            if ("code".equals(name) && WireValues.isNonNegativeLong(parser, token) && parser.getLongValue() >= min
                    && parser.getLongValue() <= max) {
                code = parser.getIntValue();
            } else if (textName.equals(name) && token == JsonToken.VALUE_STRING
                    && !Utf8.hasUnpairedSurrogate(parser.getText()) && textOk.test(parser.getText())) {
                text = parser.getText();
            } else if ("code".equals(name) || textName.equals(name)) {
                parser.skipChildren();
                return skipRest(parser, shape);
            } else {
                parser.skipChildren();
            }
        }
        return code == null || text == null ? invalid(shape) : new CodeAndText(code, text);
    }

    /** Reads the rest of the current object (so that the parser still checks it) and returns {@code problem}. */
    private static HookResponse skipRest(JsonParser parser, String problem) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            parser.nextToken();
            parser.skipChildren();
        }
        return invalid(problem);
    }

    private static String first(String problem, String next) {
        return problem != null ? problem : next;
    }

    private static HookResponse invalid(String problem) {
        return new HookResponse.Invalid(problem);
    }
}
