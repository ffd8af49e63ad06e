package io.crier.gateway;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.RedisBrokerConfig;
import io.crier.cluster.RedisHistoryStore;
import io.crier.cluster.StreamPosition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
final class HistoryPublisher implements AutoCloseable {

    private static final Duration RETRY_DELAY = Duration.ofMillis(20);

    private final RedisHistoryStore store;
    private final String topic;
    private final HistoryOptions options;
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicReference<StreamPosition> last = new AtomicReference<>();

    HistoryPublisher(RedisBrokerConfig redis, String topic, HistoryOptions options) throws Exception {
        this.store = new RedisHistoryStore(redis);
        this.topic = topic;
        this.options = options;
        store.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Publishes {@code {"n":i}} for {@code i} in 1..count, at most {@code window} in flight, each paced by {@code pace}. */
    CompletableFuture<Void> publish(int count, int window, Duration pace) {
        AtomicInteger next = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Executor paced = CompletableFuture.delayedExecutor(pace.toNanos(), TimeUnit.NANOSECONDS);
        for (int i = 0; i < window; i++) {
            lane(next, count, done, paced);
        }
        return done;
    }

    /** How many publications Redis acknowledged so far. */
    int acknowledged() {
        return acknowledged.get();
    }

    /** The epoch of the acknowledged publications, or null before the first one. */
    String epoch() {
        StreamPosition position = last.get();
        return position == null ? null : position.epoch();
    }

    /** The topic's position in Redis now. */
    StreamPosition position() throws Exception {
        return store.read(topic, 0, 0, options).toCompletableFuture().get(10, TimeUnit.SECONDS).position();
    }

    @Override
    public void close() {
        store.close();
    }

    /** One chain of publications: each starts when the one before it in this lane is acknowledged. */
    private void lane(AtomicInteger next, int count, CompletableFuture<Void> done, Executor paced) {
        int n = next.incrementAndGet();
        if (n > count) {
            if (acknowledged.get() >= count) {
                done.complete(null);
            }
            return;
        }
        attempt(n, count, next, done, paced);
    }

    private void attempt(int n, int count, AtomicInteger next, CompletableFuture<Void> done, Executor paced) {
        byte[] data = ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
        store.publish(topic, data, options).whenComplete((position, error) -> {
            if (error != null) {
                Executor retry = CompletableFuture.delayedExecutor(RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
                retry.execute(() -> attempt(n, count, next, done, paced));
                return;
            }
            last.accumulateAndGet(position, (a, b) -> a == null || b.offset() > a.offset() ? b : a);
            if (acknowledged.incrementAndGet() >= count) {
                done.complete(null);
            }
            paced.execute(() -> lane(next, count, done, paced));
        });
    }
}
