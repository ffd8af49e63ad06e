package io.crier.gateway.hub;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link SessionEvictor} for tests that records every session the hub evicts, in order. Thread-safe. */
public final class RecordingEvictor implements SessionEvictor {

    private final List<Subscriber> evicted = new CopyOnWriteArrayList<>();

    @Override
    public void evict(Collection<? extends Subscriber> sessions) {
        evicted.addAll(sessions);
    }

    /** Every session evicted so far. */
    public List<Subscriber> evicted() {
        return List.copyOf(evicted);
    }
}
