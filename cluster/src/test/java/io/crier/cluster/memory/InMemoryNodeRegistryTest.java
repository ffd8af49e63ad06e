package io.crier.cluster.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.cluster.ManualClock;
import io.crier.cluster.NodeRegistry;
import io.crier.cluster.NodeRegistryContract;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The node registry contract on {@link InMemoryNodeRegistry}, with a manual clock, plus its lease edge. One
 * in-memory registry stands for a whole fleet (as one Redis would), so every registry the contract asks for in
 * one namespace is the same instance; closing it twice is harmless.
 */
class InMemoryNodeRegistryTest extends NodeRegistryContract {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Map<String, InMemoryNodeRegistry> fleets = new HashMap<>();

    @Override
    protected NodeRegistry newRegistry(Duration lease, String namespace) {
        return fleets.computeIfAbsent(namespace, ignored -> new InMemoryNodeRegistry(lease, clock));
    }

    @Override
    protected Duration lease() {
        return Duration.ofSeconds(15);
    }

    @Override
    protected void advance(Duration time) {
        clock.advance(time);
    }

    @Test
    void nodeLivesUntilTheLastInstantOfItsLeaseAndNotAtItsEnd() throws Exception {
        NodeRegistry registry = registry();
        complete(registry.announce(node("n1", 1)));

        clock.advance(lease().minusMillis(1));
        assertEquals(1, get(registry.list()).size());

        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(), get(registry.list()));
    }
}
