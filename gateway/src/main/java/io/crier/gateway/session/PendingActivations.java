package io.crier.gateway.session;

import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.Subscription;
import io.crier.protocol.CommandId;
import io.crier.protocol.Push;
import io.crier.protocol.Reply;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The subscribe replies (and server-side {@code subscribed} pushes) of one session whose subscription (to a topic
 * with history) goes live only once the reply or push is written: the replay and the publications held meanwhile
 * must follow it on the wire. Keyed by the reply or push instance (two subscribes may have equal replies), and
 * bounded by the subscribes in flight.
 *
 * <p>Thread-safe: replies are made on any thread, {@link #written} is called on the session's event loop.
 */
final class PendingActivations {

    private final Hub hub;
    private final Map<Object, Subscription> pending = Collections.synchronizedMap(new IdentityHashMap<>());

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

    /**
     * The {@code subscribed} push of a server-side subscription: with {@code recovered} and the position on a
     * topic with history, remembered until {@link #written}.
     */
    Push.Subscribed pushFor(Subscription subscription) {
        if (!subscription.hasHistory()) {
            return new Push.Subscribed(subscription.topic());
        }
        Push.Subscribed push = new Push.Subscribed(subscription.topic(), subscription.recovered(),
                subscription.position());
        pending.put(push, subscription);
        return push;
    }

    /**
     * {@code envelope} (a reply or a push) was written: if it announced a subscription to a topic with history,
     * that goes live now.
     */
    void written(Object envelope) {
        Subscription subscription = pending.remove(envelope);
        if (subscription != null) {
            hub.activate(subscription);
        }
    }

    /** Forgets every pending activation (the session closed; the hub dropped its subscriptions). */
    void clear() {
        pending.clear();
    }
}
