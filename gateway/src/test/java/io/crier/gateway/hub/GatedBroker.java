package io.crier.gateway.hub;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.memory.InMemoryBroker;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real {@link InMemoryBroker} behind a gate, for tests that need a broker call to stay pending the way
 * a Redis round trip does. While {@link #hold() held}, subscribe and unsubscribe calls queue up in call
 * order; {@link #releaseAll()} applies them to the in-memory broker in that order, and {@link #failAll()}
 * fails them as a broker outage would. Records every call. Thread-safe; {@link #releaseAll()} and
 * {@link #failAll()} are meant to be called from the test thread only.
 */
public final class GatedBroker implements Broker {

    private record Held(String operation, String topic, CompletableFuture<Void> stage) {
    }

    private final InMemoryBroker delegate = new InMemoryBroker();
    private final Deque<Held> held = new ArrayDeque<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private boolean holding;
    private volatile RuntimeException publishFailure;

    /** Queues subscribe and unsubscribe calls from now on. */
    public synchronized void hold() {
        holding = true;
    }

    /** Applies every queued call in order, completes their stages, and stops holding. */
    public void releaseAll() {
        for (Held call : drain()) {
            CompletionStage<Void> done = "subscribe".equals(call.operation())
                    ? delegate.subscribe(call.topic()) : delegate.unsubscribe(call.topic());
            done.whenComplete((ok, error) -> {
                if (error == null) {
                    call.stage().complete(null);
                } else {
                    call.stage().completeExceptionally(error);
                }
            });
        }
    }

    /** Fails every queued call with {@link BrokerUnavailableException}, without applying it, and stops holding. */
    public void failAll() {
        for (Held call : drain()) {
            call.stage().completeExceptionally(new BrokerUnavailableException("broker link is down"));
        }
    }

    /** Fails every publish from now on with {@code failure}, as a broker bug would. */
    public void failPublishesWith(RuntimeException failure) {
        publishFailure = failure;
    }

    /** Every subscribe and unsubscribe call so far, as {@code "subscribe:topic"} or {@code "unsubscribe:topic"}. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public CompletionStage<Void> start(BrokerListener listener) {
        return delegate.start(listener);
    }

    @Override
    public CompletionStage<Void> subscribe(String topic) {
        return gate("subscribe", topic);
    }

    @Override
    public CompletionStage<Void> unsubscribe(String topic) {
        return gate("unsubscribe", topic);
    }

    @Override
    public CompletionStage<Void> publish(String topic, byte[] payload) {
        RuntimeException failure = publishFailure;
        return failure != null ? CompletableFuture.failedFuture(failure) : delegate.publish(topic, payload);
    }

    @Override
    public BrokerState state() {
        return delegate.state();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private CompletionStage<Void> gate(String operation, String topic) {
        synchronized (this) {
            calls.add(operation + ":" + topic);
            if (holding) {
                CompletableFuture<Void> stage = new CompletableFuture<>();
                held.add(new Held(operation, topic, stage));
                return stage;
            }
        }
        return "subscribe".equals(operation) ? delegate.subscribe(topic) : delegate.unsubscribe(topic);
    }

    private synchronized List<Held> drain() {
        holding = false;
        List<Held> calls = List.copyOf(held);
        held.clear();
        return calls;
    }
}
