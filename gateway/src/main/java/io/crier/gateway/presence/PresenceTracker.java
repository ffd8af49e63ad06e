package io.crier.gateway.presence;

import io.crier.cluster.PresenceEntry;
import io.crier.cluster.PresenceStore;
import io.crier.cluster.PresenceStore.TopicPresence;
import io.crier.gateway.auth.User;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.gateway.config.PresenceConfig;
import io.crier.gateway.presence.PresenceMember.Key;
import io.crier.gateway.session.Session;
import io.crier.gateway.session.TopicListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of presence: adds a session to the {@link PresenceStore} when it subscribes to a topic
 * whose namespace has presence ({@code full} or {@code count}), publishes a join when the namespace has
 * {@code joinLeave}, renews every local entry's lease every {@code presence.refreshInterval}, and handles
 * leaves with the grace window.
 *
 * <p>Leave grace ({@link LeaveGrace}): when a session lets a topic go, its entry stays (and is still renewed) for
 * {@code presence.leaveGrace}; then it is removed and a leave is published. If, within the grace, a session
 * of the same user subscribes to the same topic on this node (a reconnect), it takes the leaving session's
 * place: the old entry is removed at once and neither the old session's leave nor the new session's join is
 * published, so that a client counting sessions per user sees no change. Anonymous sessions have no user to
 * match and are never taken over. A rejoin on another node is not matched: there, the join is published at
 * once and the leave here when the grace ends (in that order, so a per-user count never drops to zero).
 *
 * <p>Thread-safe: one lock orders every change of the local state with the store and broker calls it makes,
 * so that Redis sees an entry's add, refreshes and remove in that order (a refresh re-adds a missing entry,
 * so it must never follow the remove). The calls are asynchronous and never block. Timers run on
 * {@code scheduler}.
 */
public final class PresenceTracker implements TopicListener, AutoCloseable {

    /** The longest {@link #close()} waits for the last removes and leaves. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(PresenceTracker.class);

    private final PresenceStore store;
    private final PresenceEvents events;
    private final NamespacesConfig namespaces;
    private final PresenceConfig config;
    private final String nodeId;
    private final ScheduledExecutorService scheduler;
    private final Object lock = new Object();
    /** Subscribed sessions, by topic and session. */
    private final Map<Key, PresenceMember> members = new HashMap<>();
    private final LeaveGrace leaving;
    private final AtomicLong storeFailures = new AtomicLong();
    private ScheduledFuture<?> nextRefresh;
    private boolean closed;

    /**
     * @param nodeId    this node's id, recorded in each entry
     * @param scheduler runs the refreshes and the leave timers
     */
    public PresenceTracker(PresenceStore store, PresenceEvents events, NamespacesConfig namespaces,
                           PresenceConfig config, String nodeId, ScheduledExecutorService scheduler) {
        this.store = Objects.requireNonNull(store, "store");
        this.events = Objects.requireNonNull(events, "events");
        this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
        this.config = Objects.requireNonNull(config, "config");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.leaving = new LeaveGrace(config.leaveGrace(), scheduler, lock, this::finishLeave);
    }

    /** Starts the periodic refresh of every local entry. */
    public void start() {
        synchronized (lock) {
            scheduleRefresh();
        }
    }

    @Override
    public CompletionStage<Void> subscribed(Session session, String topic, Object subscription) {
        NamespaceOptions options = namespaces.optionsFor(topic);
        if (!options.presenceEnabled() && !options.joinLeave()) {
            return CompletableFuture.completedFuture(null);
        }
        User user = session.user();
        PresenceEntry entry = new PresenceEntry(session.id(), user.id(), nodeId, info(user));
        PresenceMember member = new PresenceMember(topic, entry,
                subscription, options.presenceEnabled(), options.joinLeave());
        CompletableFuture<Void> stored = CompletableFuture.completedFuture(null);
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            PresenceMember replaced = leaving.takeOver(member);
            members.put(member.key(), member);
            if (member.stored()) {
                if (replaced != null && !replaced.sessionId().equals(member.sessionId())) {
                    watch(store.remove(topic, replaced.sessionId()));
                }
                stored = watch(store.add(topic, member.entry()));
            }
            if (member.events() && replaced == null) {
                events.join(topic, user.id(), session.id());
            }
        }
        return stored;
    }

    @Override
    public void unsubscribed(Session session, String topic, Object subscription) {
        Key key = new Key(topic, session.id());
        synchronized (lock) {
            PresenceMember member = members.get(key);
            if (member == null || member.subscription() != subscription) {
                return;
            }
            members.remove(key);
            if (closed || config.leaveGrace().isZero()) {
                finishLeave(member);
                return;
            }
            leaving.start(member);
        }
    }

    /** Renews the lease of every local entry, those within their leave grace included. */
    public void refresh() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            List<TopicPresence> all = new ArrayList<>();
            for (PresenceMember member : members.values()) {
                if (member.stored()) {
                    all.add(new TopicPresence(member.topic(), member.entry()));
                }
            }
            for (PresenceMember member : leaving.members()) {
                if (member.stored()) {
                    all.add(new TopicPresence(member.topic(), member.entry()));
                }
            }
            if (!all.isEmpty()) {
                watch(store.refresh(all));
            }
        }
    }

    /** Local sessions on topics with presence or join/leave, those within their leave grace included. */
    public int trackedSessions() {
        synchronized (lock) {
            return members.size() + leaving.size();
        }
    }

    /** Store calls that failed (Redis down): their entries heal with the next refresh. */
    public long storeFailures() {
        return storeFailures.get();
    }

    /**
     * Stops refreshing and ends every leave grace at once (removing the entries and publishing the leaves),
     * so that a node that shuts down cleanly leaves nothing behind in presence; waits up to
     * {@link #CLOSE_TIMEOUT} for those calls. Later leaves are handled at once. Call it after the sessions
     * have closed and before the store and broker close; never on an event loop. Idempotent.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (nextRefresh != null) {
                nextRefresh.cancel(false);
            }
            for (PresenceMember member : leaving.endAll()) {
                calls.addAll(finishLeave(member));
            }
        }
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Entries left behind expire with their lease; failures were already counted.
            log.debug("presence leaves at shutdown did not all complete", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes the entry and publishes the leave; returns those calls. Holds lock. */
    private List<CompletableFuture<Void>> finishLeave(PresenceMember member) {
        List<CompletableFuture<Void>> calls = new ArrayList<>(2);
        if (member.stored()) {
            calls.add(watch(store.remove(member.topic(), member.sessionId())));
        }
        if (member.events()) {
            calls.add(events.leave(member.topic(), member.entry().user(), member.sessionId()).toCompletableFuture());
        }
        return calls;
    }

    /** Holds lock. */
    private void scheduleRefresh() {
        if (closed) {
            return;
        }
        Duration interval = config.refreshInterval();
        try {
            nextRefresh = scheduler.schedule(() -> {
                refresh();
                synchronized (lock) {
                    scheduleRefresh();
                }
            }, interval.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Only once the node's scheduler has stopped, when there is nothing left to keep alive.
            log.debug("presence refresh not rescheduled: the scheduler has stopped");
        }
    }

    /** Counts a failure of {@code call}; the returned stage completes with it and never fails. */
    private CompletableFuture<Void> watch(CompletionStage<Void> call) {
        return call.handle((ignored, error) -> {
            if (error != null) {
                // A Redis outage fails every call: counted, debug only. The next refresh re-adds entries.
                storeFailures.incrementAndGet();
                log.debug("a presence store call failed", error);
            }
            return (Void) null;
        }).toCompletableFuture();
    }

    private static byte[] info(User user) {
        return user.info() == null ? null : user.info().toBytes();
    }
}
