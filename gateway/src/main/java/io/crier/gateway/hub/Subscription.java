package io.crier.gateway.hub;

import io.crier.protocol.Position;
import java.util.Objects;

/**
 * The outcome of {@link Hub#subscribe(String, Subscriber, Position)}: for a topic with history, whether the
 * publications the session missed follow ({@code recovered}) and the topic's position when the subscription
 * began; for a topic without history, neither. A subscription to a topic with history is not live yet: the
 * caller writes its reply, then hands it to {@link Hub#activate(Subscription)} on the session's event loop, so
 * that the replayed publications follow the reply. Immutable; thread-safe.
 */
public final class Subscription {

    private final String topic;
    private final boolean recovered;
    private final Position position;
    private final Recovery recovery;

    Subscription(String topic, boolean recovered, Position position, Recovery recovery) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.recovered = recovered;
        this.position = position;
        this.recovery = recovery;
    }

    /** A subscription to a topic without history: live at once, no position. */
    static Subscription plain(String topic) {
        return new Subscription(topic, false, null, null);
    }

    /** The topic. */
    public String topic() {
        return topic;
    }

    /** Whether every publication after the requested {@code since} follows, in order. */
    public boolean recovered() {
        return recovered;
    }

    /** The topic's position when the subscription began, or {@code null} when the topic has no history. */
    public Position position() {
        return position;
    }

    /** Whether the topic keeps history (then {@link Hub#activate} must follow the reply). */
    public boolean hasHistory() {
        return position != null;
    }

    Recovery recovery() {
        return recovery;
    }

    @Override
    public String toString() {
        return "Subscription[" + topic + (position == null ? "" : ", recovered=" + recovered + ", " + position) + "]";
    }
}
