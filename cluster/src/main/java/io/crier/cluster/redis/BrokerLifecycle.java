package io.crier.cluster.redis;

import static io.crier.cluster.redis.RedisLink.dispatch;
import static io.crier.cluster.redis.RedisLink.translate;

import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.ListenerFailures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What the two Redis brokers ({@link RedisBroker}, {@link RedisShardedBroker}) share: the state and its one-way
 * start and close, the listener and the counting of its failures, the start stage, and the bounded publish. The
 * state moves and its notifications happen under one lock, in order; the listener's exceptions are caught and
 * counted, so that its bug cannot break a Redis connection.
 *
 * <p>Thread-safe.
 */
final class BrokerLifecycle {

    private final Logger log;
    private final Supplier<String> where;
    private final InFlightLimit publishes;
    private final ListenerFailures listenerFailures;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    /** Orders state transitions and their notifications. */
    private final Object lock = new Object();
    private volatile BrokerListener listener;
    private volatile BrokerState state = BrokerState.NEW;

    /**
     * @param log       the broker's logger
     * @param where     where the broker is (or was last) connected, for its log lines
     * @param publishes the bound on publications waiting for Redis
     */
    BrokerLifecycle(Logger log, Supplier<String> where, InFlightLimit publishes) {
        this.log = log;
        this.where = where;
        this.publishes = publishes;
        this.listenerFailures = new ListenerFailures(log);
    }

    /**
     * Moves from {@code NEW} to {@code DISCONNECTED} with {@code listener}; the stage completes when the broker
     * first connects.
     *
     * @throws IllegalStateException when called a second time
     */
    CompletionStage<Void> start(BrokerListener listener) {
        synchronized (lock) {
            if (state != BrokerState.NEW) {
                throw new IllegalStateException("start() was already called (state " + state + ")");
            }
            this.listener = listener;
            transition(BrokerState.DISCONNECTED);
        }
        return started.copy();
    }

    BrokerState state() {
        return state;
    }

    boolean closed() {
        return state == BrokerState.CLOSED;
    }

    /** Moves to {@code CLOSED}; false when it was already closed (then the caller has nothing to close). */
    boolean close() {
        synchronized (lock) {
            if (state == BrokerState.CLOSED) {
                return false;
            }
            transition(BrokerState.CLOSED);
        }
        started.completeExceptionally(new BrokerUnavailableException("the broker was closed before it connected"));
        return true;
    }

    /** The first connection attempt failed: the start stage fails (the broker goes on retrying). */
    void failStart(Throwable error) {
        started.completeExceptionally(new BrokerUnavailableException("cannot connect to Redis", error));
    }

    /** {@code CONNECTED} when {@code up}, else {@code DISCONNECTED}; nothing once closed. */
    void update(boolean up) {
        synchronized (lock) {
            if (state == BrokerState.CLOSED) {
                return;
            }
            transition(up ? BrokerState.CONNECTED : BrokerState.DISCONNECTED);
        }
        if (state == BrokerState.CONNECTED) {
            started.complete(null);
        }
    }

    /**
     * Sends one publication with {@code command} on {@code connection}, unless the broker is closed, not
     * connected yet, or {@code redis.requestQueueSize} publications already wait for Redis.
     */
    CompletionStage<Void> publish(CommandConnection connection, String what,
                                  Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<Long>> command) {
        if (closed()) {
            return unavailable("the broker is closed");
        }
        if (connection == null) {
            return unavailable("not connected to Redis yet");
        }
        if (!publishes.tryAcquire()) {
            return unavailable(publishes.max() + " publications are already waiting for Redis");
        }
        CompletionStage<Long> sent = dispatch(() -> command.apply(connection.async()));
        sent.whenComplete((receivers, error) -> publishes.release());
        return translate(sent, what);
    }

    void deliver(String topic, byte[] payload) {
        try {
            listener.onPublication(topic, payload);
        } catch (RuntimeException e) {
            listenerFailures.record("onPublication", e);
        }
    }

    void restored(Collection<String> topics) {
        try {
            listener.onSubscriptionsRestored(List.copyOf(topics));
        } catch (RuntimeException e) {
            listenerFailures.record("onSubscriptionsRestored", e);
        }
    }

    long listenerFailures() {
        return listenerFailures.count();
    }

    /** Moves to {@code next} and tells the listener, if that is a change. Lock held. */
    private void transition(BrokerState next) {
        BrokerState previous = state;
        if (previous == next) {
            return;
        }
        state = next;
        if (previous == BrokerState.CONNECTED && next == BrokerState.DISCONNECTED) {
            log.warn("Lost the link to Redis at {}; reconnecting in the background", where.get());
        } else if (next == BrokerState.CONNECTED) {
            log.info("Connected to Redis at {}", where.get());
        } else if (previous != BrokerState.NEW) {
            // Not the first DISCONNECTED at start: the node has not connected yet, which the owner reports itself.
            log.info("Redis broker {}", next);
        }
        BrokerListener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.onStateChange(next);
        } catch (RuntimeException e) {
            listenerFailures.record("onStateChange", e);
        }
    }

    static <T> CompletableFuture<T> unavailable(String why) {
        return CompletableFuture.failedFuture(new BrokerUnavailableException(why));
    }
}
