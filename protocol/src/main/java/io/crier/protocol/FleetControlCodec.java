package io.crier.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The messages nodes pass on the control channel for the server API: an action for every node to take
 * ({@code {"request":"r1","node":"n1","action":"revoke","jti":"..","expMs":..}}, the action's fields as the API
 * takes them, times in Unix milliseconds) and a node's answer ({@code {"request":"r1","node":"n2","reached":3}}).
 * Golden files in this module's tests pin both.
 *
 * <p>Stateless; thread-safe.
 */
public final class FleetControlCodec {

    private static final String REACHED = "reached";

    private final FleetFields fields = new FleetFields(0);

    /**
     * Encodes a control message that asks every node to take {@code action} (not {@link FleetAction.Rejected} or
     * {@link FleetAction.Info}): {@code {"request":"r1","node":"n1","action":"revoke","jti":"..","exp":..}}, with
     * the action's fields as the API takes them (times in Unix milliseconds, suffixed {@code Ms}).
     */
    public byte[] encodeControl(String request, String node, FleetAction action) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(node, "node");
        return fields.write(json -> {
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
        return fields.write(json -> {
            json.writeStartObject();
            json.writeStringField("request", request);
            json.writeStringField("node", node);
            json.writeNumberField(REACHED, sessions);
            json.writeEndObject();
        });
    }

    private static void writeFields(JsonGenerator json, FleetAction action) throws IOException {
        if (action instanceof FleetAction.Disconnect disconnect) {
            json.writeStringField("user", disconnect.user());
            json.writeBooleanField("reconnect", disconnect.reconnect());
            if (disconnect.close().isApp()) {
                json.writeNumberField("code", disconnect.close().code());
                json.writeStringField("reason", disconnect.close().reason());
            }
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
        Object top = fields.parse(message);
        if (!(top instanceof Map<?, ?> values) || !(values.get("request") instanceof String request)
                || !(values.get("node") instanceof String node)) {
            return null;
        }
        if (values.get(REACHED) instanceof Long sessions && sessions >= 0) {
            return new Control.Reached(request, node, sessions);
        }
        try {
            FleetAction action = controlAction(values);
            return action == null ? null : new Control.Take(request, node, action);
        } catch (FleetFields.Refusal | IllegalArgumentException | NullPointerException | java.time.DateTimeException e) {
            return null;
        }
    }

    private static FleetAction controlAction(Map<?, ?> fields) throws FleetFields.Refusal {
        if (!(fields.get("action") instanceof String name)) {
            return null;
        }
        return switch (name) {
            case "disconnect", "unsubscribe", "subscribe", "unblock" -> {
                FleetAction action = FleetFields.action(name, fields);
                yield action instanceof FleetAction.Rejected ? null : action;
            }
            case "revoke" -> new FleetAction.Revoke(FleetFields.name(fields, "jti"), millis(fields, "expMs"));
            case "invalidate" -> new FleetAction.Invalidate(FleetFields.user(fields), millis(fields, "issuedBeforeMs"));
            case "block" -> new FleetAction.Block(FleetFields.user(fields), millis(fields, "untilMs"));
            default -> null;
        };
    }

    private static Instant millis(Map<?, ?> fields, String field) throws FleetFields.Refusal {
        if (!(fields.get(field) instanceof Long millis) || millis < 0 || millis > FleetApiCodec.MAX_SECONDS * 1000) {
            throw new FleetFields.Refusal(PublishApiError.INVALID_FIELD, field);
        }
        return Instant.ofEpochMilli(millis);
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
