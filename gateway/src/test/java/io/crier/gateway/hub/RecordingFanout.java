package io.crier.gateway.hub;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Fanout} for tests that records every call, in order. Thread-safe. */
public final class RecordingFanout implements Fanout {

    /** One {@link Fanout#deliver} call: the bytes and a copy of the targets. */
    public record Delivery(byte[] encodedPush, List<Subscriber> targets) {

        /** The push as text. */
        public String text() {
            return new String(encodedPush, StandardCharsets.UTF_8);
        }
    }

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    @Override
    public void deliver(byte[] encodedPush, Collection<? extends Subscriber> targets) {
        deliveries.add(new Delivery(encodedPush, List.copyOf(targets)));
    }

    /** Every call so far. */
    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** Forgets the calls so far. */
    public void clear() {
        deliveries.clear();
    }
}
