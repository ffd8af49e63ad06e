package io.crier.cluster.redis;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.PresenceCount;
import io.crier.cluster.PresenceEntry;
import io.crier.cluster.PresenceStore;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PresenceStore} of a fleet, in Redis. Topic {@code T} (Redis channel {@code C = prefix + T})
 * has three keys in {@code C}'s hash slot: the hash {@code {C}:presence} (session id -> entry JSON, see
 * {@link PresenceJson}), the sorted set {@code {C}:presence:exp} (session id -> lease end, in Redis' ms
 * clock) and the hash {@code {C}:presence:users} (user -> live sessions, so that counting is O(1)). Every
 * operation is one Lua script ({@link PresenceScript}), so the keys never disagree.
 *
 * <p>Leases: an entry lives {@code ttl} after its last add or refresh. Reads drop expired entries first, so
 * a node that stops refreshing (it crashed) has its sessions gone from every read at most {@code ttl}
 * after its last refresh, that is within {@code ttl + refreshInterval} of its death. A refresh re-adds an
 * entry that is missing (Redis restarted without persistence, or the node was paused past its lease), so
 * presence heals with the next heartbeat; callers must therefore never refresh an entry after removing it
 * (issue both from one thread, or under one lock: a connection keeps the order of its commands). Each key
 * expires {@code 3 x ttl} after the last write, so the keys of an abandoned topic vanish.
 *
 * <p>Connects at construction, in the background, with {@link RedisLink}'s bounded queue and backoff; until
 * connected, and while Redis is down, every operation fails at once with {@link BrokerUnavailableException}.
 *
 * <p>Thread-safe; stages complete on Lettuce's threads. Do not call {@link #close()} from one.
 */
public final class RedisPresenceStore implements PresenceStore {

    private static final Logger log = LoggerFactory.getLogger(RedisPresenceStore.class);
    /** Sessions per script call: bounds the size of one command (three arguments each). */
    static final int ENTRIES_PER_CALL = 200;
    /** Script calls one refresh keeps in flight at a time, well under any request queue size. */
    static final int CALLS_IN_FLIGHT = 32;
    private static final int KEY_TTLS = 3;

    private final String prefix;
    private final byte[] leaseMillis;
    private final byte[] keyMillis;
    private final RedisLink link;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final AtomicLong malformed = new AtomicLong();
    private volatile CommandConnection connection;
    private volatile boolean closed;

    /**
     * @param link   the node's link to Redis (its {@code prefix} names the topics' channels)
     * @param ttl    the lease: how long an entry lives without a refresh, at least one millisecond
     */
    public RedisPresenceStore(RedisLink link, Duration ttl) {
        Objects.requireNonNull(link, "link");
        RedisConfig config = link.config();
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least 1ms");
        }
        this.prefix = config.prefix();
        this.leaseMillis = number(ttl.toMillis());
        this.keyMillis = number(ttl.toMillis() * KEY_TTLS);
        this.link = link;
        link.openCommands("presence", this::adopt, error -> { },
                () -> closed);
    }

    /** Completes once the first connection is open (for tests and readiness; operations fail until then). */
    public CompletionStage<Void> connected() {
        return connected;
    }

    /** How many stored entries could not be read (written by something else than this store); skipped. */
    public long malformedEntries() {
        return malformed.get();
    }

    @Override
    public CompletionStage<Void> add(String topic, PresenceEntry entry) {
        Objects.requireNonNull(entry, "entry");
        return call(topic, "presence add", redis -> upsert(redis, topic, List.of(entry))).thenApply(ignored -> null);
    }

    @Override
    public CompletionStage<Void> remove(String topic, String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        return call(topic, "presence remove", redis -> PresenceScript.REMOVE.<Long>run(redis,
                ScriptOutputType.INTEGER, keys(topic), text(sessionId))).thenApply(ignored -> null);
    }

    /** {@inheritDoc} One script call per topic (per {@value #ENTRIES_PER_CALL} sessions), pipelined. */
    @Override
    public CompletionStage<Void> refresh(List<TopicPresence> entries) {
        Objects.requireNonNull(entries, "entries");
        Map<String, List<PresenceEntry>> byTopic = new LinkedHashMap<>();
        for (TopicPresence presence : entries) {
            byTopic.computeIfAbsent(presence.topic(), topic -> new ArrayList<>()).add(presence.entry());
        }
        List<Supplier<CompletionStage<?>>> calls = new ArrayList<>();
        for (Map.Entry<String, List<PresenceEntry>> topic : byTopic.entrySet()) {
            List<PresenceEntry> sessions = topic.getValue();
            for (int from = 0; from < sessions.size(); from += ENTRIES_PER_CALL) {
                List<PresenceEntry> chunk = sessions.subList(from, Math.min(sessions.size(), from + ENTRIES_PER_CALL));
                calls.add(() -> call(topic.getKey(), "presence refresh", redis -> upsert(redis, topic.getKey(), chunk)));
            }
        }
        return inWindows(calls, 0);
    }

    @Override
    public CompletionStage<List<PresenceEntry>> list(String topic, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        return call(topic, "presence list", redis -> PresenceScript.LIST.<List<Object>>run(redis,
                ScriptOutputType.MULTI, keys(topic), number(limit))).thenApply(this::entries);
    }

    @Override
    public CompletionStage<PresenceCount> count(String topic) {
        return call(topic, "presence count", redis -> PresenceScript.COUNT.<List<Object>>run(redis,
                ScriptOutputType.MULTI, keys(topic))).thenApply(counts -> new PresenceCount(
                ((Long) counts.get(0)).intValue(), ((Long) counts.get(1)).intValue()));
    }

    /** {@inheritDoc} Blocks until Lettuce's threads are stopped (at most a few seconds). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        connected.completeExceptionally(new BrokerUnavailableException("the presence store was closed"));
        if (connection != null) {
            connection.close();
        }
    }

    /** The three keys of {@code topic}, all with the hash tag of its channel. */
    String[] keys(String topic) {
        String tag = "{" + prefix + topic + "}:presence";
        return new String[] {tag, tag + ":exp", tag + ":users"};
    }

    private void adopt(CommandConnection opened) {
        connection = opened;
        connected.complete(null);
    }

    private CompletionStage<Long> upsert(RedisClusterAsyncCommands<String, byte[]> redis, String topic,
                                        List<PresenceEntry> entries) {
        byte[][] args = new byte[2 + 3 * entries.size()][];
        args[0] = leaseMillis;
        args[1] = keyMillis;
        int i = 2;
        for (PresenceEntry entry : entries) {
            args[i++] = text(entry.sessionId());
            args[i++] = text(entry.user());
            args[i++] = PresenceJson.encode(entry);
        }
        return PresenceScript.UPSERT.run(redis, ScriptOutputType.INTEGER, keys(topic), args);
    }

    /**
     * Runs {@code calls} {@value #CALLS_IN_FLIGHT} at a time. A failed call does not stop the others (one
     * topic's trouble must not cost every other topic its heartbeat); the stage then fails with the first
     * failure once all have run.
     */
    private CompletionStage<Void> inWindows(List<Supplier<CompletionStage<?>>> calls, int from) {
        if (from >= calls.size()) {
            return CompletableFuture.completedFuture(null);
        }
        List<Supplier<CompletionStage<?>>> window = calls.subList(from, Math.min(calls.size(), from + CALLS_IN_FLIGHT));
        CompletableFuture<?>[] sent = window.stream()
                .map(call -> call.get().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(sent).handle((ignored, failure) -> failure)
                .thenCompose(failure -> inWindows(calls, from + CALLS_IN_FLIGHT).thenApply(rest -> {
                    if (failure != null) {
                        throw failure instanceof CompletionException completion ? completion
                                : new CompletionException(failure);
                    }
                    return rest;
                }));
    }

    private List<PresenceEntry> entries(List<Object> flat) {
        List<PresenceEntry> entries = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            String session = new String((byte[]) flat.get(i), StandardCharsets.UTF_8);
            try {
                entries.add(PresenceJson.decode(session, (byte[]) flat.get(i + 1)));
            } catch (IllegalArgumentException e) {
                // Written by something else than this store; counted and skipped so one bad value cannot
                // hide a topic's whole presence.
                malformed.incrementAndGet();
                log.debug("skipped a malformed presence entry of session {}", session, e);
            }
        }
        return List.copyOf(entries);
    }

    /** Runs one command on the connection, with every failure turned into {@link BrokerUnavailableException}. */
    private <T> CompletionStage<T> call(String topic, String what,
                                        Function<RedisClusterAsyncCommands<String, byte[]>, CompletionStage<T>> command) {
        Objects.requireNonNull(topic, "topic");
        CommandConnection open = connection;
        if (closed) {
            return CompletableFuture.failedFuture(new BrokerUnavailableException("the presence store is closed"));
        }
        return RedisLink.call(open, what, command);
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] number(long value) {
        return Long.toString(value).getBytes(StandardCharsets.UTF_8);
    }
}
