package io.crier.gateway.metrics;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The broker's meters: {@link MeterCatalog#BROKER_STATE} (one gauge per state, 1 for the current one) and
 * {@link MeterCatalog#REDIS_RECONNECTS}, and {@link MeterCatalog#BROKER_SUBSCRIPTIONS_MOVED}. It sits between the
 * broker and the node's real listener (the hub): it passes every call on unchanged and counts each return to {@link
 * BrokerState#CONNECTED} after the first.
 *
 * <p>Thread-safe, like the listener it wraps; adds no blocking to the broker's threads.
 */
public final class BrokerMeters implements BrokerListener {

    private final BrokerListener next;
    private final Counter reconnects;
    private final Counter moved;
    private final AtomicBoolean connectedOnce = new AtomicBoolean();

    /**
     * @param broker whose state the gauges read
     * @param next   the listener every call is passed on to
     */
    public BrokerMeters(Broker broker, BrokerListener next, MeterRegistry meters) {
        Objects.requireNonNull(broker, "broker");
        this.next = Objects.requireNonNull(next, "next");
        this.reconnects = MeterCatalog.REDIS_RECONNECTS.counter(meters);
        this.moved = MeterCatalog.BROKER_SUBSCRIPTIONS_MOVED.counter(meters);
        for (BrokerState state : BrokerState.values()) {
            MeterCatalog.BROKER_STATE.gauge(meters, broker, b -> b.state() == state ? 1 : 0,
                    "state", state.name().toLowerCase(Locale.ROOT));
        }
    }

    @Override
    public void onPublication(String topic, byte[] payload) {
        next.onPublication(topic, payload);
    }

    @Override
    public void onStateChange(BrokerState state) {
        if (state == BrokerState.CONNECTED && !connectedOnce.compareAndSet(false, true)) {
            reconnects.increment();
        }
        next.onStateChange(state);
    }

    @Override
    public void onSubscriptionsRestored(Collection<String> topics) {
        moved.increment(topics.size());
        next.onSubscriptionsRestored(topics);
    }

    /** Times the link came back after being lost. */
    public double reconnects() {
        return reconnects.count();
    }
}
