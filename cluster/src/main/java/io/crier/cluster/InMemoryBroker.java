package io.crier.cluster;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded default {@link Broker}: a node running alone, with no Redis. Publications go straight to
 * this node's listener, on the publisher's thread, in call order; nothing crosses processes. Also the
 * stand-in broker of unit tests, since it is a real implementation of the contract.
 *
 * <p>Thread-safe.
 */
public final class InMemoryBroker implements Broker {

    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private volatile BrokerListener listener;
    private volatile BrokerState state = BrokerState.NEW;

    @Override
    public CompletionStage<Void> start(BrokerListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            if (state != BrokerState.NEW) {
                throw new IllegalStateException("already started");
            }
            this.listener = listener;
            state = BrokerState.CONNECTED;
        }
        listener.onStateChange(BrokerState.CONNECTED);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> subscribe(String topic) {
        if (state != BrokerState.CONNECTED) {
            return unavailable();
        }
        topics.add(topic);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> unsubscribe(String topic) {
        topics.remove(topic);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> publish(String topic, byte[] payload) {
        if (state != BrokerState.CONNECTED) {
            return unavailable();
        }
        if (topics.contains(topic)) {
            listener.onPublication(topic, payload);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public BrokerState state() {
        return state;
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
            current.onStateChange(BrokerState.CLOSED);
        }
    }

    private static CompletionStage<Void> unavailable() {
        return CompletableFuture.failedFuture(new BrokerUnavailableException("broker is not running"));
    }
}
