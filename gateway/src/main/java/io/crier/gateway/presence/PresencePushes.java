package io.crier.gateway.presence;

import io.crier.gateway.hub.PresenceEventSink;
import io.crier.protocol.ChannelMessage;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.Push;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Turns the join and leave events that arrive on a topic's broker channel (from any node) into
 * {@code join}/{@code leave} pushes for this node's live subscribers of the topic, encoded once per event. A
 * session receives its own join too. Events are not ordered with the topic's publications, and are at most
 * once, like every broker message.
 *
 * <p>Thread-safe and stateless; called on broker threads, never blocks.
 */
public final class PresencePushes implements PresenceEventSink {

    private final EnvelopeCodec envelopes;
    private final BiConsumer<String, byte[]> toLiveSubscribers;

    /** @param toLiveSubscribers hands an encoded push to a topic's live local subscribers (the hub's) */
    public PresencePushes(EnvelopeCodec envelopes, BiConsumer<String, byte[]> toLiveSubscribers) {
        this.envelopes = Objects.requireNonNull(envelopes, "envelopes");
        this.toLiveSubscribers = Objects.requireNonNull(toLiveSubscribers, "toLiveSubscribers");
    }

    @Override
    public void onPresenceEvent(String topic, ChannelMessage.PresenceEvent event) {
        Push push = event.join() ? new Push.Join(topic, event.user(), event.session())
                : new Push.Leave(topic, event.user(), event.session());
        toLiveSubscribers.accept(topic, envelopes.encode(push));
    }
}
