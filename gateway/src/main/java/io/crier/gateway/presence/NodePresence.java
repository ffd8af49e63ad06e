package io.crier.gateway.presence;

import io.crier.cluster.Broker;
import io.crier.cluster.PresenceStore;
import io.crier.cluster.memory.InMemoryPresenceStore;
import io.crier.cluster.redis.RedisLink;
import io.crier.cluster.redis.RedisPresenceStore;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.gateway.hub.PresenceEventSink;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.gateway.permission.TopicPolicy;
import io.crier.gateway.session.PresenceResponder;
import io.crier.gateway.session.TopicListener;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.PublicationCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;

/**
 * The presence feature of one node, wired from the config: the store ({@link RedisPresenceStore} when Redis
 * is configured and some namespace has presence, else {@link InMemoryPresenceStore}), the tracker, the
 * {@code presence} command and the join/leave pushes. The composition root hands {@link #tracker()} and
 * {@link #query()} to the sessions and {@link #pushes} to the hub. Meters: {@link MeterCatalog#PRESENCE_SESSIONS}
 * (tracked local sessions), {@link MeterCatalog#PRESENCE_STORE_FAILURES}, {@link
 * MeterCatalog#PRESENCE_EVENTS_PUBLISHED} and {@code .failed}.
 *
 * <p>Thread-safe. {@link #close()} blocks briefly; never call it from an event loop.
 */
public final class NodePresence implements AutoCloseable {

    private final PresenceStore store;
    private final PresenceTracker tracker;
    private final PresenceQuery query;

    /**
     * @param redis     the node's link to Redis, or {@code null} when it has none
     * @param broker    carries the join/leave events
     * @param scheduler the node's scheduler: refreshes and leave timers
     */
    public NodePresence(CrierConfig config, RedisLink redis, Broker broker, ScheduledExecutorService scheduler,
                        Clock clock, MeterRegistry meters) {
        NamespacesConfig namespaces = config.namespaces();
        this.store = redis != null && anyPresence(namespaces)
                ? new RedisPresenceStore(redis, config.presence().ttl())
                : new InMemoryPresenceStore(config.presence().ttl(), clock);
        this.tracker = new PresenceTracker(store, new PresenceEvents(broker, new PublicationCodec(), meters),
                namespaces, config.presence(), config.node().id(), scheduler);
        this.query = new PresenceQuery(store, namespaces, new TopicPolicy(namespaces), config.presence().maxList());
        MeterCatalog.PRESENCE_SESSIONS.gauge(meters, tracker, PresenceTracker::trackedSessions);
        MeterCatalog.PRESENCE_STORE_FAILURES.functionCounter(meters, tracker, PresenceTracker::storeFailures);
    }

    /** Starts the heartbeat that renews this node's entries. */
    public void start() {
        tracker.start();
    }

    /** Hears the sessions' subscribes and unsubscribes. */
    public TopicListener tracker() {
        return tracker;
    }

    /** The fleet's presence, which the server API's {@code presence} reads. */
    public PresenceStore store() {
        return store;
    }

    /** Answers the sessions' {@code presence} commands. */
    public PresenceResponder query() {
        return query;
    }

    /** The hub's sink of join/leave events, delivering pushes through {@code toLiveSubscribers}. */
    public PresenceEventSink pushes(EnvelopeCodec envelopes, BiConsumer<String, byte[]> toLiveSubscribers) {
        return new PresencePushes(envelopes, toLiveSubscribers);
    }

    /** Ends the leave graces (see {@link PresenceTracker#close()}), then closes the store. Idempotent. */
    @Override
    public void close() {
        tracker.close();
        store.close();
    }

    private static boolean anyPresence(NamespacesConfig namespaces) {
        return namespaces.defaults().presenceEnabled()
                || namespaces.byName().values().stream().anyMatch(NamespaceOptions::presenceEnabled);
    }
}
