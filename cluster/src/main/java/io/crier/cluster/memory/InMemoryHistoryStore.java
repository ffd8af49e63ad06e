package io.crier.cluster.memory;

import io.crier.cluster.BrokerState;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.HistoryStore;
import io.crier.cluster.StreamPosition;
import io.crier.protocol.Position;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded default {@link HistoryStore}: a node running alone keeps each topic's history in memory and
 * publishes through its {@link InMemoryBroker}, with the same rules as {@link RedisHistoryStore} (offsets,
 * epochs, size and age bounds, {@link HistoryStore#NO_EPOCH} for a topic without history). Appending and
 * publishing happen under the topic's lock, so subscribers see offsets in order, and the payload is the one
 * the Redis function writes, {@code {"offset":N,"epoch":"E","data":...}}.
 *
 * <p>Epochs are random per store instance and per history: a restarted node, or a history that expired,
 * has a new one. Expired histories are dropped from memory every {@value #SWEEP_EVERY} publications, so
 * memory is bounded by the topics published within their ttl times their size.
 *
 * <p>Thread-safe. Stages are completed before the methods return, on the caller's thread. The broker's
 * listener runs inside {@link #publish} under the topic's lock, so a caller must not call this store while
 * holding a lock that its listener takes.
 */
public final class InMemoryHistoryStore implements HistoryStore {

    private static final int SWEEP_EVERY = 1024;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int EPOCH_RANDOM_CHARS = 8;

    private final InMemoryBroker broker;
    private final Clock clock;
    private final PublicationCodec codec = new PublicationCodec();
    private final Map<String, InMemoryTopicHistory> topics = new ConcurrentHashMap<>();
    /** Random per store instance, so that a new node never reuses an epoch of an earlier one. */
    private final String epochPrefix;
    private final AtomicLong histories = new AtomicLong();
    private final AtomicLong publishes = new AtomicLong();
    private volatile boolean closed;

    /** A store on the system clock, publishing through {@code broker}. */
    public InMemoryHistoryStore(InMemoryBroker broker) {
        this(broker, Clock.systemUTC());
    }

    /** A store whose ages are measured with {@code clock} (tests move it), publishing through {@code broker}. */
    public InMemoryHistoryStore(InMemoryBroker broker, Clock clock) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.clock = Objects.requireNonNull(clock, "clock");
        SecureRandom random = new SecureRandom();
        StringBuilder prefix = new StringBuilder(EPOCH_RANDOM_CHARS);
        for (int i = 0; i < EPOCH_RANDOM_CHARS; i++) {
            prefix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        this.epochPrefix = prefix.toString();
    }

    /**
     * {@inheritDoc} The data is not validated here: the caller passes one JSON value, as the gateway's
     * codecs guarantee.
     */
    @Override
    public CompletionStage<StreamPosition> publish(String topic, byte[] data, HistoryOptions options) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(options, "options");
        byte[] owned = Objects.requireNonNull(data, "data").clone();
        if (closed || broker.state() != BrokerState.CONNECTED) {
            return unavailable("the in-memory history store or its broker is not running");
        }
        if (publishes.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep();
        }
        while (true) {
            InMemoryTopicHistory history = topics.computeIfAbsent(topic, ignored -> new InMemoryTopicHistory());
            synchronized (history) {
                if (history.removed()) {
                    continue;
                }
                StreamPosition position = history.append(owned, options, clock.millis(), this::newEpoch);
                byte[] payload = codec.encode(RawJson.trusted(owned),
                        new Position(position.offset(), position.epoch()));
                // Under the topic's lock: the broker delivers on this thread, so offsets reach it in order.
                return broker.publish(topic, payload).thenApply(ignored -> position);
            }
        }
    }

    @Override
    public CompletionStage<HistorySlice> read(String topic, long afterOffset, int limit, HistoryOptions options) {
        return HistoryStore.checkedRead(topic, afterOffset, limit, options, () -> {
            if (closed) {
                return unavailable("the in-memory history store is closed");
            }
            InMemoryTopicHistory history = topics.get(topic);
            if (history == null) {
                return CompletableFuture.completedFuture(new InMemoryTopicHistory().read(afterOffset, limit, options,
                        0));
            }
            synchronized (history) {
                return CompletableFuture.completedFuture(history.read(afterOffset, limit, options, clock.millis()));
            }
        });
    }

    /** {@inheritDoc} Forgets every history; the broker is the caller's to close. */
    @Override
    public void close() {
        closed = true;
        topics.clear();
    }

    /** How many topic histories are held in memory, expired ones not swept yet included. */
    int historiesInMemory() {
        return topics.size();
    }

    /** Drops the histories that expired, so that topics nobody publishes to any more free their memory. */
    private void sweep() {
        long now = clock.millis();
        topics.forEach((topic, history) -> {
            synchronized (history) {
                if (history.expired(now)) {
                    history.markRemoved();
                    topics.remove(topic, history);
                }
            }
        });
    }

    private String newEpoch() {
        return epochPrefix + Long.toString(histories.incrementAndGet(), Character.MAX_RADIX);
    }

    private static <T> CompletionStage<T> unavailable(String why) {
        return CompletableFuture.failedFuture(new BrokerUnavailableException(why));
    }
}
