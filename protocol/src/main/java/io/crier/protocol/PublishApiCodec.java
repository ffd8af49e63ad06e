package io.crier.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The JSON of the HTTP publish API ({@code POST /api/v1/publish}), which backends call: request bodies
 * {@code {"topic":"news","data":<any JSON>}} or {@code {"publications":[{"topic":..,"data":..},...]}}, and the
 * responses {@code {"offset":7,"epoch":"abc"}} ({@code {}} for a topic without history),
 * {@code {"results":[..]}} and {@code {"error":{"code":"bad_topic","message":".."}}}. Unknown fields are ignored;
 * the data value is carried as its exact bytes, never re-serialised. Golden files in this module's tests pin
 * every shape. This is the HTTP API for backends; WebSocket clients speak {@link EnvelopeCodec}.
 *
 * <p>Stateless apart from its limits; thread-safe.
 */
public final class PublishApiCodec {

    private static final String BAD_TOPIC_MESSAGE =
            "topic must be 1 to " + Topics.MAX_LENGTH + " characters of A-Z a-z 0-9 _ - . : @ =";

    private final JsonFactory factory = StrictJson.newFactory();
    private final int maxDataBytes;
    private final int maxBatch;

    /**
     * @param maxDataBytes the largest {@code data} value of one publication, in UTF-8 bytes
     * @param maxBatch     the most publications one batch may hold
     */
    public PublishApiCodec(int maxDataBytes, int maxBatch) {
        if (maxDataBytes < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("maxDataBytes and maxBatch must be positive");
        }
        this.maxDataBytes = maxDataBytes;
        this.maxBatch = maxBatch;
    }

    /**
     * Decodes a request body held in {@code body[offset, offset + length)}. Never throws for bad input: a body
     * that cannot be served becomes {@link PublishApiRequest.Invalid}, a bad publication
     * {@link PublishApiItem.Rejected}.
     *
     * @throws IndexOutOfBoundsException when {@code offset} and {@code length} do not fit {@code body}
     */
    public PublishApiRequest decode(byte[] body, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, body.length);
        if (!Utf8.isValidJsonText(body, offset, length)) {
            return new PublishApiRequest.Invalid(PublishApiError.BAD_JSON, "body is not valid UTF-8 JSON");
        }
        try (JsonParser parser = factory.createParser(body, offset, length)) {
            return readRequest(parser, body, offset);
        } catch (StreamConstraintsException e) {
            return new PublishApiRequest.Invalid(PublishApiError.BAD_JSON,
                    "body nests JSON too deeply or has a value too long");
        } catch (JsonProcessingException e) {
            return new PublishApiRequest.Invalid(PublishApiError.BAD_JSON,
                    StrictJson.isDuplicateField(e) ? "duplicate field name" : "body is not valid JSON");
        } catch (IOException | RuntimeException e) {
            // The parser is third-party code facing untrusted bytes: whatever it throws, the body is bad JSON.
            return new PublishApiRequest.Invalid(PublishApiError.BAD_JSON, "body is not valid JSON");
        }
    }

    /** Decodes a request body held in the whole of {@code body}; see {@link #decode(byte[], int, int)}. */
    public PublishApiRequest decode(byte[] body) {
        return decode(body, 0, body.length);
    }

    /** Encodes the response to the single form: the position, {@code {}}, or the error. */
    public byte[] encode(PublishApiResult result) {
        Objects.requireNonNull(result, "result");
        return write(json -> writeResult(json, result));
    }

    /** Encodes the response to the batch form: {@code {"results":[..]}}, in request order. */
    public byte[] encodeBatch(List<PublishApiResult> results) {
        Objects.requireNonNull(results, "results");
        return write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("results");
            for (PublishApiResult result : results) {
                writeResult(json, result);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** Encodes {@code {"error":{"code":..,"message":..}}}, the body of every error response. */
    public byte[] encodeError(PublishApiError error, String message) {
        return encode(new PublishApiResult.Failed(error, message));
    }

    private PublishApiRequest readRequest(JsonParser parser, byte[] body, int base) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return new PublishApiRequest.Invalid(PublishApiError.BAD_JSON, "body must be a JSON object");
        }
        Fields fields = readObject(parser, body, base, true);
        if (parser.nextToken() != null) {
            return new PublishApiRequest.Invalid(PublishApiError.BAD_JSON, "trailing data after the JSON object");
        }
        if (fields.publicationsCount < 0) {
            return new PublishApiRequest.Single(fields.toItem());
        }
        if (fields.hasTopic || fields.data != null) {
            return new PublishApiRequest.Invalid(PublishApiError.INVALID_FIELD,
                    "a request holds either 'publications' or 'topic' and 'data'");
        }
        if (fields.publications == null) {
            return new PublishApiRequest.Invalid(PublishApiError.INVALID_FIELD, "'publications' must be an array");
        }
        if (fields.publicationsCount > maxBatch) {
            return new PublishApiRequest.Invalid(PublishApiError.TOO_LARGE,
                    "a batch holds at most " + maxBatch + " publications");
        }
        return new PublishApiRequest.Batch(fields.publications);
    }

    /** Reads the fields of the object whose START_OBJECT is the current token, up to its END_OBJECT. */
    private Fields readObject(JsonParser parser, byte[] body, int base, boolean topLevel) throws IOException {
        Fields fields = new Fields();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("topic".equals(name)) {
                fields.hasTopic = true;
                fields.topic = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                parser.skipChildren();
            } else if ("data".equals(name)) {
                fields.data = ValueSpan.read(parser).copyFrom(body, base);
            } else if (topLevel && "publications".equals(name)) {
                readPublications(parser, body, base, fields);
            } else {
                parser.skipChildren();
            }
        }
        return fields;
    }

    private void readPublications(JsonParser parser, byte[] body, int base, Fields fields) throws IOException {
        fields.publicationsCount = 0;
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return;
        }
        List<PublishApiItem> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            fields.publicationsCount++;
            PublishApiItem item;
            if (parser.currentToken() == JsonToken.START_OBJECT) {
                item = readObject(parser, body, base, false).toItem();
            } else {
                parser.skipChildren();
                item = new PublishApiItem.Rejected(PublishApiError.INVALID_FIELD,
                        "a publication must be a JSON object");
            }
            // Past the limit the rest is still parsed (a syntax error wins) but no longer kept.
            if (fields.publicationsCount <= maxBatch) {
                items.add(item);
            }
        }
        fields.publications = items;
    }

    private void writeResult(JsonGenerator json, PublishApiResult result) throws IOException {
        json.writeStartObject();
        if (result instanceof PublishApiResult.Published published && published.position() != null) {
            json.writeNumberField("offset", published.position().offset());
            json.writeStringField("epoch", published.position().epoch());
        } else if (result instanceof PublishApiResult.Failed failed) {
            json.writeObjectFieldStart("error");
            json.writeStringField("code", failed.error().wire());
            json.writeStringField("message", failed.message());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private byte[] write(StrictJson.Body body) {
        return StrictJson.write(factory, body);
    }

    /** The fields read from one object; {@code publicationsCount} is -1 when there was no such field. */
    private final class Fields {
        private boolean hasTopic;
        private String topic;
        private RawJson data;
        private List<PublishApiItem> publications;
        private int publicationsCount = -1;

        PublishApiItem toItem() {
            if (!hasTopic) {
                return new PublishApiItem.Rejected(PublishApiError.MISSING_FIELD, "missing field 'topic'");
            }
            if (topic == null) {
                return new PublishApiItem.Rejected(PublishApiError.INVALID_FIELD, "'topic' must be a string");
            }
            if (!Topics.isValid(topic)) {
                return new PublishApiItem.Rejected(PublishApiError.BAD_TOPIC, BAD_TOPIC_MESSAGE);
            }
            if (data == null) {
                return new PublishApiItem.Rejected(PublishApiError.MISSING_FIELD, "missing field 'data'");
            }
            if (data.length() > maxDataBytes) {
                return new PublishApiItem.Rejected(PublishApiError.TOO_LARGE,
                        "data is larger than " + maxDataBytes + " bytes");
            }
            return new PublishApiItem.Publication(topic, data);
        }
    }
}
