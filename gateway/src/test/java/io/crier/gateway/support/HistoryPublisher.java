package io.crier.gateway.support;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.StreamPosition;
import io.crier.cluster.redis.RedisConfig;
import io.crier.cluster.redis.RedisHistoryStore;
import io.crier.cluster.redis.RedisLink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A backend for tests that publishes to one topic with history straight to Redis, through the same Redis
 * function the gateway uses ({@link RedisHistoryStore}), with a bounded number of publications in flight. A
 * failed publication (Redis away) is retried after a short delay; since a failed call may still have been
 * applied, offsets can exceed the number of publications: read the final position with {@link #position()}.
 * Thread-safe.
 */
public final class HistoryPublisher implements AutoCloseable {

    private static final Duration RETRY_DELAY = Duration.ofMillis(20);

    private final RedisLink link;
    private final RedisHistoryStore store;
    private final String topic;
    private final HistoryOptions options;
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicReference<StreamPosition> last = new AtomicReference<>();
    private final List<StreamPosition> positions = new CopyOnWriteArrayList<>();

    public HistoryPublisher(RedisConfig redis, String topic, HistoryOptions options) throws Exception {
        this.link = new RedisLink(redis);
        this.store = new RedisHistoryStore(link);
        this.topic = topic;
        this.options = options;
        store.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Publishes {@code {"n":i}} for {@code i} in 1..count, at most {@code window} in flight, each paced by {@code pace}. */
    public CompletableFuture<Void> publish(int count, int window, Duration pace) {
        // One batch: its own counters, so a second call waits for all of its own acknowledgements.
        Batch batch = new Batch(count, new AtomicInteger(), new AtomicInteger(), new CompletableFuture<>());
        Executor paced = CompletableFuture.delayedExecutor(pace.toNanos(), TimeUnit.NANOSECONDS);
        for (int i = 0; i < window; i++) {
            lane(batch, paced);
        }
        return batch.done();
    }

    /** The state of one {@link #publish} call. */
    private record Batch(int count, AtomicInteger next, AtomicInteger acknowledged, CompletableFuture<Void> done) {
    }

    /** How many publications Redis acknowledged so far, over every call. */
    public int acknowledged() {
        return acknowledged.get();
    }

    /** The epoch of the acknowledged publications, or null before the first one. */
    public String epoch() {
        StreamPosition position = last.get();
        return position == null ? null : position.epoch();
    }

    /** The positions Redis acknowledged, in the order the acknowledgements arrived. */
    public List<StreamPosition> acknowledgedPositions() {
        return List.copyOf(positions);
    }

    /** The topic's position in Redis now. */
    public StreamPosition position() throws Exception {
        return head().position();
    }

    /** A read of no publication: the topic's position now, and the position its epoch continues, if any. */
    public HistorySlice head() throws Exception {
        return store.read(topic, 0, 0, options).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        store.close();
        link.close();
    }

    /** One chain of publications: each starts when the one before it in this lane is acknowledged. */
    private void lane(Batch batch, Executor paced) {
        int n = batch.next().incrementAndGet();
        if (n > batch.count()) {
            if (batch.acknowledged().get() >= batch.count()) {
                batch.done().complete(null);
            }
            return;
        }
        attempt(n, batch, paced);
    }

    private void attempt(int n, Batch batch, Executor paced) {
        byte[] data = ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
        store.publish(topic, data, options).whenComplete((position, error) -> {
            if (error != null) {
                Executor retry = CompletableFuture.delayedExecutor(RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
                retry.execute(() -> attempt(n, batch, paced));
                return;
            }
            last.accumulateAndGet(position, (a, b) -> a == null || b.offset() > a.offset() ? b : a);
            positions.add(position);
            acknowledged.incrementAndGet();
            if (batch.acknowledged().incrementAndGet() >= batch.count()) {
                batch.done().complete(null);
            }
            paced.execute(() -> lane(batch, paced));
        });
    }
}
