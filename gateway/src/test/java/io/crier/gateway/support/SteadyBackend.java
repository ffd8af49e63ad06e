package io.crier.gateway.support;

import static org.awaitility.Awaitility.await;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.StreamPosition;
import io.crier.cluster.redis.Publisher;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend publishing to topics with history at a steady rate through the cluster {@link Publisher}: one
 * publication per topic per tick, on a timer thread, for at most {@code maxTicks} ticks or until
 * {@link #stop()}. A failed publication (Redis away) is counted, not retried: it never got an offset, or, if it
 * timed out after Redis applied it, it did, and the clients must get it; either way the clients are checked
 * against the offsets Redis gave, up to {@link #finalOffsets()}. What Redis acknowledged is kept per topic and
 * epoch ({@link #acknowledged}). Thread-safe.
 */
public final class SteadyBackend implements AutoCloseable {

    private static final Duration FINAL_TIMEOUT = Duration.ofSeconds(20);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Publisher publisher;
    private final List<String> topics;
    private final HistoryOptions history;
    private final int maxTicks;
    private final Duration tick;
    private final AtomicInteger ticks = new AtomicInteger();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** By topic, then epoch in the order they appeared. Guarded by this object's lock. */
    private final Map<String, Map<String, EpochAcks>> acknowledged = new HashMap<>();

    /**
     * What Redis acknowledged in one epoch of a topic: when the first acknowledgement came
     * ({@link System#nanoTime()}), and the highest offset acknowledged.
     */
    public record EpochAcks(long firstNanos, long highestOffset) {
    }

    public SteadyBackend(Publisher publisher, List<String> topics, HistoryOptions history, Duration tick,
                         int maxTicks) {
        this.publisher = publisher;
        this.topics = List.copyOf(topics);
        this.history = history;
        this.tick = tick;
        this.maxTicks = maxTicks;
        timer.scheduleAtFixedRate(this::tick, 0, tick.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Publications per second per topic. */
    double ratePerTopic() {
        return 1_000.0 / tick.toMillis();
    }

    public long published() {
        return published.get();
    }

    public long failed() {
        return failed.get();
    }

    /** The acknowledged publications of {@code topic}, by epoch, in the order the epochs appeared. */
    public synchronized Map<String, EpochAcks> acknowledged(String topic) {
        return new LinkedHashMap<>(acknowledged.getOrDefault(topic, Map.of()));
    }

    /** Stops publishing and waits until the tick in progress, if any, has ended. */
    public void stop() throws InterruptedException {
        timer.shutdown();
        if (!timer.awaitTermination(FINAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the backend's last tick did not end within " + FINAL_TIMEOUT);
        }
    }

    /**
     * After {@link #stop()}: publishes one last publication per topic (retried until Redis takes it) and returns
     * its offset by topic, the offset every client must reach.
     */
    public Map<String, Long> finalOffsets() {
        Map<String, Long> last = new LinkedHashMap<>();
        for (String topic : topics) {
            long offset = await("the final publication on " + topic).atMost(FINAL_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> acknowledge(topic, publisher.publish(topic, "{\"final\":true}", history)),
                            o -> o > 0);
            last.put(topic, offset);
        }
        return last;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void tick() {
        int n = ticks.incrementAndGet();
        if (n > maxTicks) {
            return;
        }
        for (String topic : topics) {
            try {
                acknowledge(topic, publisher.publish(topic, "{\"n\":" + n + "}", history));
                published.incrementAndGet();
            } catch (RuntimeException e) {
                // Redis is away (the test restarts it): counted; the next tick goes on with the next number.
                failed.incrementAndGet();
            }
        }
    }

    private synchronized long acknowledge(String topic, StreamPosition position) {
        long now = System.nanoTime();
        acknowledged.computeIfAbsent(topic, t -> new LinkedHashMap<>()).merge(position.epoch(),
                new EpochAcks(now, position.offset()),
                (was, next) -> new EpochAcks(was.firstNanos(), Math.max(was.highestOffset(), next.highestOffset())));
        return position.offset();
    }
}
