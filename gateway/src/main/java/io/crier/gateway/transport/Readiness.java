package io.crier.gateway.transport;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerState;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this node can serve: its broker is connected and it is not draining. {@code /readyz} and the
 * handshake guard read it; {@code GatewayServer.drain()} flips it. Thread-safe.
 */
public final class Readiness {

    private final Broker broker;
    private final AtomicBoolean draining = new AtomicBoolean();

    public Readiness(Broker broker) {
        this.broker = Objects.requireNonNull(broker, "broker");
    }

    /** Whether the node takes new sessions: broker {@link BrokerState#CONNECTED} and not draining. */
    public boolean ready() {
        return !draining.get() && broker.state() == BrokerState.CONNECTED;
    }

    /** Whether the node is draining (shutting down gracefully). */
    public boolean draining() {
        return draining.get();
    }

    /** Marks the node as draining; returns {@code true} for the first call only. */
    public boolean startDraining() {
        return draining.compareAndSet(false, true);
    }
}
