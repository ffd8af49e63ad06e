package io.crier.cluster.memory;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.ListenerFailures;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default {@link Broker}: a node running alone, with no Redis. Publications go straight to
 * this node's listener, on the publisher's thread, in call order; nothing crosses processes. Also the
 * stand-in broker of unit tests, since it is a real implementation of the contract.
 *
 * <p>The listener gets its own copy of each payload, as it would from Redis, so that neither side can
 * change the other's bytes. A listener that throws is counted and does not fail the publish.
 *
 * <p>Thread-safe.
 */
public final class InMemoryBroker implements Broker {

    private static final Logger log = LoggerFactory.getLogger(InMemoryBroker.class);

    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private final ListenerFailures listenerFailures = new ListenerFailures(log);
    private volatile BrokerListener listener;
    private volatile BrokerState state = BrokerState.NEW;

    @Override
    public CompletionStage<Void> start(BrokerListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            if (state != BrokerState.NEW) {
                throw new IllegalStateException("start() was already called (state " + state + ")");
            }
            this.listener = listener;
            state = BrokerState.CONNECTED;
        }
        notifyState(listener, BrokerState.CONNECTED);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> subscribe(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (state != BrokerState.CONNECTED) {
            return unavailable();
        }
        topics.add(topic);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> unsubscribe(String topic) {
        Objects.requireNonNull(topic, "topic");
        topics.remove(topic);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> publish(String topic, byte[] payload) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        if (state != BrokerState.CONNECTED) {
            return unavailable();
        }
        if (topics.contains(topic)) {
            try {
                listener.onPublication(topic, payload.clone());
            } catch (RuntimeException e) {
                listenerFailures.record("onPublication", e);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public BrokerState state() {
        return state;
    }

    /** How many times the listener threw; each was caught so that the publisher saw a success. */
    public long listenerFailures() {
        return listenerFailures.count();
    }

    @Override
    public void close() {
        BrokerListener current;
        synchronized (this) {
            if (state == BrokerState.CLOSED) {
                return;
            }
            current = listener;
            state = BrokerState.CLOSED;
            topics.clear();
        }
        if (current != null) {
            notifyState(current, BrokerState.CLOSED);
        }
    }

    private void notifyState(BrokerListener current, BrokerState next) {
        try {
            current.onStateChange(next);
        } catch (RuntimeException e) {
            listenerFailures.record("onStateChange", e);
        }
    }

    private static CompletionStage<Void> unavailable() {
        return CompletableFuture.failedFuture(new BrokerUnavailableException("broker is not running"));
    }
}
