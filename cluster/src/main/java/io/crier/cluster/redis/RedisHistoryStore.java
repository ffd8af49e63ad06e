package io.crier.cluster.redis;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.HistoryStore;
import io.crier.cluster.StoredPublication;
import io.crier.cluster.StreamPosition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link HistoryStore} of a fleet: each topic's history is a Redis stream, and publishing is one call of
 * the {@code crier_publish} Redis Function, which increments the topic's offset, appends to the stream,
 * trims and expires it, and PUBLISHes the payload on the topic's channel, atomically. Reads call
 * {@code crier_history}. The library ({@code crier.lua}, documented there and in docs/redis.md) is loaded at
 * {@link #start} and again after every reconnect.
 *
 * <p>Topic {@code T} is the channel {@code C = prefix + T}; its keys are {@code {C}:meta} (hash: epoch,
 * offset) and {@code {C}:history} (stream, entry IDs {@code <offset>-0}), in C's hash slot. A topic with no
 * history in Redis (never published, or expired) reads as offset 0 in epoch {@link HistoryStore#NO_EPOCH}:
 * reads never create an epoch; the next publication does, starting again at offset 1.
 *
 * <p>With {@code redis.waitReplicas} ({@link ReplicaWait}), a publication is acknowledged only once that many
 * replicas confirmed it ({@code WAIT} right behind it on the same connection, which holds the connection's later
 * calls, reads included, until it answers; in a cluster, on the connection to the slot's primary).
 *
 * <p>Failures: {@link BrokerUnavailableException} when Redis is unreachable, the library is not loaded yet,
 * {@code requestQueueSize} calls are already waiting, or fewer replicas than asked confirmed a publication;
 * {@link IllegalArgumentException} when the library rejects the data (not strict JSON, or too large). A publish
 * that timed out or was not confirmed by enough replicas may still have been applied.
 *
 * <p>Thread-safe. Stages complete on Lettuce's threads. Do not call {@link #close()} from one.
 */
public final class RedisHistoryStore implements HistoryStore {

    private final String prefix;
    private final ReplicaWait replicaWait;
    private final RedisFunctionLink link;

    /** Creates a store on the node's {@code link}; nothing connects before {@link #start}. */
    public RedisHistoryStore(RedisLink link) {
        this.prefix = Objects.requireNonNull(link, "link").config().prefix();
        this.replicaWait = link.config().replicaWait();
        this.link = new RedisFunctionLink(link);
    }

    /**
     * Connects to Redis and loads the function library, retrying in the background with the configured
     * backoff. The stage completes once the store can serve, or fails with {@link BrokerUnavailableException}
     * when the first attempt fails (the store goes on retrying). Until then every call fails fast.
     *
     * @throws IllegalStateException when called a second time
     */
    public CompletionStage<Void> start() {
        return link.start("history");
    }

    /**
     * Whether the store serves now: connected, and the function library loaded on the server it is connected to
     * (in Sentinel mode, the current master). False while Redis is away or cannot serve.
     */
    public boolean ready() {
        return link.ready();
    }

    @Override
    public CompletionStage<StreamPosition> publish(String topic, byte[] data, HistoryOptions options) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(options, "options");
        if (!replicaWait.enabled()) {
            return link.fcall("crier_publish", false, prefix + topic, data, number(options.size()),
                    ttlSeconds(options)).thenApply(RedisHistoryStore::position);
        }
        return link.fcallAndWait("crier_publish", prefix + topic, replicaWait, data, number(options.size()),
                ttlSeconds(options)).thenCompose(this::replicated);
    }

    /** The position, once {@link ReplicaWait#replicas()} replicas have it; else a failure that says so. */
    private CompletionStage<StreamPosition> replicated(RedisFunctionLink.Replicated published) {
        StreamPosition position = position(published.reply());
        return published.replicas() >= replicaWait.replicas()
                ? CompletableFuture.completedFuture(position)
                : CompletableFuture.failedFuture(new BrokerUnavailableException("published at offset "
                        + position.offset() + ", but only " + published.replicas() + " of " + replicaWait.replicas()
                        + " replicas confirmed it within " + replicaWait.timeout().toMillis()
                        + "ms: a failover may lose it"));
    }

    @Override
    public CompletionStage<HistorySlice> read(String topic, long afterOffset, int limit, HistoryOptions options) {
        return HistoryStore.checkedRead(topic, afterOffset, limit, options, () -> link.fcall("crier_history", true,
                prefix + topic, number(afterOffset), number(limit), ttlSeconds(options))
                .thenApply(RedisHistoryStore::slice));
    }

    /**
     * Publishes {@code payload} on {@code topic}'s channel with a plain PUBLISH, outside history; for
     * {@link Publisher}. Completes with the number of nodes that received it.
     */
    CompletionStage<Long> publishWithoutHistory(String topic, byte[] payload) {
        return link.publish(prefix + topic, payload);
    }

    /** {@inheritDoc} Blocks until Lettuce's threads are stopped (at most a few seconds). */
    @Override
    public void close() {
        link.close();
    }

    /** {@code crier_publish} answers {@code {offset, epoch}}. */
    static StreamPosition position(List<Object> reply) {
        return new StreamPosition((Long) reply.get(0), text(reply.get(1)));
    }

    /**
     * {@code crier_history} answers {@code {epoch, offset, complete, {offset, data, offset, data, ...},
     * forkedEpoch, forkedOffset}}.
     */
    private static HistorySlice slice(List<Object> reply) {
        String epoch = text(reply.get(0));
        StreamPosition position = new StreamPosition((Long) reply.get(1), epoch.isEmpty() ? NO_EPOCH : epoch);
        List<?> items = (List<?>) reply.get(3);
        List<StoredPublication> publications = new ArrayList<>(items.size() / 2);
        for (int i = 0; i + 1 < items.size(); i += 2) {
            publications.add(new StoredPublication((Long) items.get(i), (byte[]) items.get(i + 1)));
        }
        String forkedEpoch = text(reply.get(4));
        StreamPosition continuedFrom = forkedEpoch.isEmpty() ? null
                : new StreamPosition((Long) reply.get(5), forkedEpoch);
        return new HistorySlice(position, publications, (Long) reply.get(2) == 1L, continuedFrom);
    }

    private static String text(Object value) {
        return new String((byte[]) value, StandardCharsets.UTF_8);
    }

    private static byte[] number(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /** Whole seconds, rounded up: Redis expires keys by the second, and a shorter ttl must never result. */
    private static byte[] ttlSeconds(HistoryOptions options) {
        long millis = options.ttl().toMillis();
        return number((millis + 999) / 1000);
    }
}
