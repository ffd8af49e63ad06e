package io.crier.cluster.memory;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.PresenceCount;
import io.crier.cluster.PresenceEntry;
import io.crier.cluster.PresenceStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link PresenceStore} of one node alone (the embedded default) and the unit-test stand-in: entries
 * live in this JVM, under the same lease rules as in Redis. An entry expires {@code ttl} after it was last
 * added or refreshed, by the injected {@link Clock}, so tests move time by hand. Expired entries are dropped
 * when their topic is read and on each {@link #refresh}. {@link #list} returns entries in the order they
 * were first added. A refresh of an entry that is no longer stored adds it again (as in Redis), so that an
 * entry that lapsed while its node was paused comes back with the next heartbeat.
 *
 * <p>Thread-safe (one lock); every stage is already complete when returned.
 */
public final class InMemoryPresenceStore implements PresenceStore {

    private final Duration ttl;
    private final Clock clock;
    /** topic -> session id -> held entry, in the order the sessions were added. */
    private final Map<String, Map<String, Held>> topics = new HashMap<>();
    private boolean closed;

    /**
     * @param ttl   the lease: how long an entry lives without a refresh, above zero
     * @param clock the time the leases are measured with
     */
    public InMemoryPresenceStore(Duration ttl, Clock clock) {
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be above zero");
        }
    }

    @Override
    public synchronized CompletionStage<Void> add(String topic, PresenceEntry entry) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(entry, "entry");
        if (closed) {
            return unavailable();
        }
        topics.computeIfAbsent(topic, key -> new LinkedHashMap<>())
                .put(entry.sessionId(), new Held(entry, clock.instant().plus(ttl)));
        return done(null);
    }

    @Override
    public synchronized CompletionStage<Void> remove(String topic, String sessionId) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(sessionId, "sessionId");
        if (closed) {
            return unavailable();
        }
        Map<String, Held> sessions = topics.get(topic);
        if (sessions != null) {
            sessions.remove(sessionId);
            if (sessions.isEmpty()) {
                topics.remove(topic);
            }
        }
        return done(null);
    }

    @Override
    public synchronized CompletionStage<Void> refresh(List<TopicPresence> entries) {
        Objects.requireNonNull(entries, "entries");
        if (closed) {
            return unavailable();
        }
        Instant now = clock.instant();
        for (String topic : List.copyOf(topics.keySet())) {
            prune(topic, now);
        }
        Instant expiry = now.plus(ttl);
        for (TopicPresence presence : entries) {
            topics.computeIfAbsent(presence.topic(), key -> new LinkedHashMap<>())
                    .put(presence.entry().sessionId(), new Held(presence.entry(), expiry));
        }
        return done(null);
    }

    @Override
    public synchronized CompletionStage<List<PresenceEntry>> list(String topic, int limit) {
        Objects.requireNonNull(topic, "topic");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        if (closed) {
            return unavailable();
        }
        List<PresenceEntry> live = new ArrayList<>();
        for (Held held : prune(topic, clock.instant()).values()) {
            if (live.size() == limit) {
                break;
            }
            live.add(held.entry());
        }
        return done(List.copyOf(live));
    }

    @Override
    public synchronized CompletionStage<PresenceCount> count(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (closed) {
            return unavailable();
        }
        Map<String, Held> sessions = prune(topic, clock.instant());
        Set<String> users = new HashSet<>();
        for (Held held : sessions.values()) {
            if (!held.entry().user().isEmpty()) {
                users.add(held.entry().user());
            }
        }
        return done(new PresenceCount(sessions.size(), users.size()));
    }

    @Override
    public synchronized void close() {
        closed = true;
        topics.clear();
    }

    /** Drops the topic's expired entries and returns what is left. Caller holds the lock. */
    private Map<String, Held> prune(String topic, Instant now) {
        Map<String, Held> sessions = topics.get(topic);
        if (sessions == null) {
            return Map.of();
        }
        for (Iterator<Held> held = sessions.values().iterator(); held.hasNext(); ) {
            if (!held.next().expiresAt().isAfter(now)) {
                held.remove();
            }
        }
        if (sessions.isEmpty()) {
            topics.remove(topic);
        }
        return sessions;
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    private static <T> CompletionStage<T> unavailable() {
        return CompletableFuture.failedFuture(new BrokerUnavailableException("the presence store is closed"));
    }

    /** One stored entry and the end of its lease. */
    private record Held(PresenceEntry entry, Instant expiresAt) {
    }
}
