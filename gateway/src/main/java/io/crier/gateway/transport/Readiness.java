package io.crier.gateway.transport;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Whether this node can serve: its backend can (the broker is connected and, with Redis, the history store too)
 * and it is not draining. {@code /readyz} and the
 * handshake guard read it; the node's drain moves it forward, never back: serving, then out of rotation
 * ({@code /readyz} 503 while upgrades are still accepted, so that a load balancer that has not yet seen the
 * 503 loses nothing), then draining (upgrades refused). Thread-safe.
 */
public final class Readiness {

    /** The drain's phases, in the only order they can happen. */
    private enum Phase { SERVING, LEAVING_ROTATION, DRAINING }

    private final BooleanSupplier backendReady;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.SERVING);

    /** @param backendReady whether the node's backend (broker, history store) can serve now; called per check */
    public Readiness(BooleanSupplier backendReady) {
        this.backendReady = Objects.requireNonNull(backendReady, "backendReady");
    }

    /** Whether the node takes new sessions: its backend can serve and no drain started. */
    public boolean ready() {
        return phase.get() == Phase.SERVING && backendReady.getAsBoolean();
    }

    /** Whether a drain has started (the node is out of rotation for good, whether or not it refuses upgrades yet). */
    public boolean draining() {
        return phase.get() != Phase.SERVING;
    }

    /** Whether new WebSocket upgrades are refused: the drain has passed its readiness delay. */
    public boolean refusesUpgrades() {
        return phase.get() == Phase.DRAINING;
    }

    /**
     * Takes the node out of rotation ({@code /readyz} turns 503) while it still accepts upgrades; returns
     * {@code true} for the first call only, and {@code false} once a drain has started in any way.
     */
    public boolean leaveRotation() {
        return phase.compareAndSet(Phase.SERVING, Phase.LEAVING_ROTATION);
    }

    /** Marks the node as draining (unready and refusing upgrades); returns {@code true} for the first call only. */
    public boolean startDraining() {
        return phase.getAndSet(Phase.DRAINING) != Phase.DRAINING;
    }
}
