package io.crier.gateway.session;

import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.Subscription;
import io.crier.protocol.CommandId;
import io.crier.protocol.Push;
import io.crier.protocol.Reply;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The subscribe replies (and server-side {@code subscribed} pushes) of one session whose subscription (to a topic
 * with history) goes live only once the reply or push is written: the replay and the publications held meanwhile
 * must follow it on the wire. Keyed by the reply or push instance (two subscribes may have equal replies), and
 * bounded by the subscribes in flight. The map is made by the first subscription to a topic with history: most
 * sessions never have one, and an empty identity map costs about 340 bytes per session.
 *
 * <p>It keeps no hub of its own (the caller passes the session's: 8 bytes less per session).
 *
 * <p>Thread-safe: replies are made on any thread, {@link #written} is called on the session's event loop; the map
 * is guarded by this object's monitor, and {@link #written} skips the monitor while no map was ever made.
 */
final class PendingActivations {

    /** Made on first use, under this object's monitor; volatile so that {@link #written} may look without it. */
    private volatile Map<Object, Subscription> pending;

    /**
     * The reply to subscribe {@code id}: a plain {@code ok} for a topic without history (live already), else
     * {@code ok} with {@code recovered} and the position, remembered until {@link #written}.
     */
    Reply replyFor(CommandId id, Subscription subscription) {
        if (!subscription.hasHistory()) {
            return new Reply.Ok(id);
        }
        Reply reply = new Reply.Subscribed(id, subscription.recovered(), subscription.position());
        remember(reply, subscription);
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
        remember(push, subscription);
        return push;
    }

    /**
     * {@code envelope} (a reply or a push) was written: if it announced a subscription to a topic with history,
     * that goes live now.
     */
    void written(Object envelope, Hub hub) {
        if (pending == null) {
            return;
        }
        Subscription subscription;
        synchronized (this) {
            subscription = pending.remove(envelope);
        }
        if (subscription != null) {
            hub.activate(subscription);
        }
    }

    /** Forgets every pending activation (the session closed; the hub dropped its subscriptions). */
    synchronized void clear() {
        if (pending != null) {
            pending.clear();
        }
    }

    private synchronized void remember(Object envelope, Subscription subscription) {
        if (pending == null) {
            pending = new IdentityHashMap<>(4);
        }
        pending.put(envelope, subscription);
    }
}
