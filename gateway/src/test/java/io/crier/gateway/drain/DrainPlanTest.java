package io.crier.gateway.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrainPlanTest {

    @Test
    void spreadsManySessionsOverOneSlotPerHundredMilliseconds() {
        DrainPlan plan = DrainPlan.of(1000, Duration.ofSeconds(2));

        assertEquals(20, plan.slots());
        assertEquals(20, plan.batches().size());
        plan.batches().forEach(batch -> assertEquals(50, batch.size()));
        assertEquals(Duration.ZERO, plan.batches().get(0).at());
        assertEquals(Duration.ofMillis(1900), plan.batches().get(19).at());
    }

    @Test
    void noBatchIsLargerThanTheEvenShareAndEverySessionIsPlannedOnce() {
        for (int sessions : new int[] {1, 7, 39, 40, 41, 333, 10_001}) {
            DrainPlan plan = DrainPlan.of(sessions, Duration.ofSeconds(10));
            int evenShare = (sessions + plan.slots() - 1) / plan.slots();
            int next = 0;
            for (DrainPlan.Batch batch : plan.batches()) {
                assertEquals(next, batch.from(), "batches are contiguous");
                assertTrue(batch.size() >= 1 && batch.size() <= evenShare, sessions + ": " + batch);
                assertTrue(batch.at().compareTo(Duration.ofSeconds(10)) < 0, "before the window ends: " + batch);
                next = batch.to();
            }
            assertEquals(sessions, next);
        }
    }

    @Test
    void aFewSessionsAreSpreadAcrossTheWholeWindowRatherThanBunchedAtTheStart() {
        List<Duration> times = DrainPlan.of(5, Duration.ofSeconds(10)).batches().stream()
                .map(DrainPlan.Batch::at).toList();

        assertEquals(List.of(Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(6),
                Duration.ofSeconds(8)), times);
    }

    @Test
    void aZeroWindowIsOneBatchAtOnce() {
        DrainPlan plan = DrainPlan.of(40, Duration.ZERO);

        assertEquals(List.of(new DrainPlan.Batch(Duration.ZERO, 0, 40)), plan.batches());
    }

    @Test
    void noSessionsMeansNoBatches() {
        assertEquals(List.of(), DrainPlan.of(0, Duration.ofSeconds(10)).batches());
    }

    @Test
    void rejectsNegativeInput() {
        assertThrows(IllegalArgumentException.class, () -> DrainPlan.of(-1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> DrainPlan.of(1, Duration.ofSeconds(-1)));
    }
}
