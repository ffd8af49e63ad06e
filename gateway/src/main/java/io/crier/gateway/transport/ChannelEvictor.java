package io.crier.gateway.transport;

import io.crier.gateway.hub.SessionEvictor;
import io.crier.gateway.hub.Subscriber;
import io.crier.protocol.CloseCode;
import java.util.Collection;
import java.util.Objects;

/**
 * Closes the sessions the hub gives up on for a topic with history (a gap it could not repair, or a recovery
 * that fell too far behind) with 4006 {@code insufficient_state}, through the {@link Disconnector}: their
 * clients reconnect and resubscribe with their last position. Thread-safe; never blocks.
 */
public final class ChannelEvictor implements SessionEvictor {

    private final Disconnector disconnector;

    public ChannelEvictor(Disconnector disconnector) {
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
    }

    @Override
    public void evict(Collection<? extends Subscriber> sessions) {
        for (Subscriber session : sessions) {
            // Every subscriber in this node's hub is the ChannelSubscriber of a session the SessionFactory opened.
            disconnector.disconnect(((ChannelSubscriber) session).channel(), CloseCode.INSUFFICIENT_STATE);
        }
    }
}
