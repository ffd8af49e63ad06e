package io.crier.cluster.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.cluster.ManualClock;
import io.crier.cluster.PresenceStore;
import io.crier.cluster.PresenceStoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The presence contract on {@link InMemoryPresenceStore}, with a manual clock, plus its lease edge. */
class InMemoryPresenceStoreTest extends PresenceStoreContract {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    protected PresenceStore newStore(Duration ttl) {
        return new InMemoryPresenceStore(ttl, clock);
    }

    @Override
    protected Duration ttl() {
        return Duration.ofSeconds(30);
    }

    @Override
    protected void advance(Duration time) {
        clock.advance(time);
    }

    @Test
    void entryLivesUntilTheLastInstantOfItsLeaseAndNotAtItsEnd() throws Exception {
        PresenceStore store = store();
        String room = topic("edge");
        complete(store.add(room, entry("s1", "alice", "n1", null)));

        clock.advance(ttl().minusMillis(1));
        assertEquals(1, get(store.list(room, 10)).size());

        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(), get(store.list(room, 10)));
    }
}
