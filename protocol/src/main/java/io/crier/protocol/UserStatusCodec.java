package io.crier.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * The JSON of {@code GET /api/v1/events}, a page of the online/offline events:
 * {@code {"events":[{"id":"1733600000000-0","user":"alice","type":"online","seq":17,"ts":1733600000000,
 * "node":"n1"},..],"next":"1733600000000-0"}}, where {@code next} is the {@code after} of the next page (the last
 * entry's id, or the {@code after} asked for when the page is empty). Errors use {@link NodesCodec#encodeError}'s
 * shape. A golden file in this module's tests pins it.
 *
 * <p>Stateless; thread-safe.
 */
public final class UserStatusCodec {

    private final JsonFactory factory = StrictJson.newFactory();

    /** The body of a page: {@code events} in order, then {@code next}. */
    public byte[] encodePage(List<UserStatusEvent> events, String next) {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(next, "next");
        ByteArrayBuilder out = new ByteArrayBuilder(128 + 96 * events.size());
        try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeArrayFieldStart("events");
            for (UserStatusEvent event : events) {
                json.writeStartObject();
                json.writeStringField("id", event.id());
                json.writeStringField("user", event.user());
                json.writeStringField("type", event.type().wire());
                json.writeNumberField("seq", event.seq());
                json.writeNumberField("ts", event.timestamp());
                json.writeStringField("node", event.node());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeStringField("next", next);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
