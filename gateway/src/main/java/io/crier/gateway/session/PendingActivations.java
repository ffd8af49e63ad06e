package io.crier.gateway.session;

import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.Subscription;
import io.crier.protocol.CommandId;
import io.crier.protocol.Reply;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The subscribe replies of one session whose subscription (to a topic with history) goes live only once the
 * reply is written: the replay and the publications held meanwhile must follow the reply on the wire. Keyed by
 * the reply instance (two subscribes may have equal replies), and bounded by the subscribes in flight.
 *
 * <p>Thread-safe: replies are made on any thread, {@link #written} is called on the session's event loop.
 */
final class PendingActivations {

    private final Hub hub;
    private final Map<Reply, Subscription> pending = Collections.synchronizedMap(new IdentityHashMap<>());

    PendingActivations(Hub hub) {
        this.hub = hub;
    }

    /**
     * The reply to subscribe {@code id}: a plain {@code ok} for a topic without history (live already), else
     * {@code ok} with {@code recovered} and the position, remembered until {@link #written}.
     */
    Reply replyFor(CommandId id, Subscription subscription) {
        if (!subscription.hasHistory()) {
            return new Reply.Ok(id);
        }
        Reply reply = new Reply.Subscribed(id, subscription.recovered(), subscription.position());
        pending.put(reply, subscription);
        return reply;
    }

    /** {@code reply} was written: if it answered a subscribe to a topic with history, that goes live now. */
    void written(Reply reply) {
        Subscription subscription = pending.remove(reply);
        if (subscription != null) {
            hub.activate(subscription);
        }
    }

    /** Forgets every pending activation (the session closed; the hub dropped its subscriptions). */
    void clear() {
        pending.clear();
    }
}
