package io.crier.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Writes the fields of a {@link Command} as a client sends it, in the order of PROTOCOL.md §5, for
 * {@link EnvelopeCodec#encodeCommand(Command)}. Load tools and test clients use it so that they never type
 * command JSON by hand. A field whose value is the server's default is left out (no {@code token} for an
 * anonymous auth, no {@code since} without a position
 * (or, on an auth, without a topic), no {@code limit} of {@value Command.History#DEFAULT_LIMIT},
 * no {@code countOnly} when false), so every command has one encoding and it decodes back to the same record.
 *
 * <p>Stateless; thread-safe.
 */
final class CommandEncoder {

    private CommandEncoder() {
    }

    /** Writes every field of {@code command}, between the braces of its envelope. */
    static void writeFields(JsonGenerator json, Command command) throws IOException {
        json.writeStringField("type", command.type());
        json.writeFieldName("id");
        // The id is kept as the JSON token itself (a number, or a string already escaped).
        json.writeRawValue(command.id().json());
        if (command instanceof Command.Auth auth) {
            if (!auth.anonymous()) {
                json.writeStringField("token", auth.token());
            }
            if (!auth.since().isEmpty()) {
                json.writeObjectFieldStart("since");
                for (var entry : auth.since().entrySet()) {
                    writePosition(json, entry.getKey(), entry.getValue());
                }
                json.writeEndObject();
            }
            writeData(json, auth.data());
        } else if (command instanceof Command.Refresh refresh) {
            json.writeStringField("token", refresh.token());
        } else if (command instanceof Command.Subscribe subscribe) {
            json.writeStringField("topic", subscribe.topic());
            writeSince(json, subscribe.since());
        } else if (command instanceof Command.Unsubscribe unsubscribe) {
            json.writeStringField("topic", unsubscribe.topic());
        } else if (command instanceof Command.Publish publish) {
            json.writeStringField("topic", publish.topic());
            json.writeFieldName("data");
            json.writeRawValue(new RawValue(publish.data()));
        } else if (command instanceof Command.History history) {
            json.writeStringField("topic", history.topic());
            writeSince(json, history.since());
            if (history.limit() != Command.History.DEFAULT_LIMIT) {
                json.writeNumberField("limit", history.limit());
            }
        } else if (command instanceof Command.Rpc rpc) {
            json.writeStringField("method", rpc.method());
            writeData(json, rpc.data());
        } else if (command instanceof Command.Presence presence) {
            json.writeStringField("topic", presence.topic());
            if (presence.countOnly()) {
                json.writeBooleanField("countOnly", true);
            }
        }
        // A ping has no field beyond its type and id.
    }

    private static void writeData(JsonGenerator json, RawJson data) throws IOException {
        if (data != null) {
            json.writeFieldName("data");
            json.writeRawValue(new RawValue(data));
        }
    }

    private static void writeSince(JsonGenerator json, Position since) throws IOException {
        if (since != null) {
            writePosition(json, "since", since);
        }
    }

    private static void writePosition(JsonGenerator json, String name, Position position) throws IOException {
        json.writeObjectFieldStart(name);
        json.writeNumberField("offset", position.offset());
        json.writeStringField("epoch", position.epoch());
        json.writeEndObject();
    }
}
