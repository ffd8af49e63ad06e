package io.crier.gateway.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.hub.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The readiness delay before a drain's disconnects, on a manual clock: the node stays out of rotation but
 * untouched until the load balancer must have noticed, and only then refuses new sessions and paces the
 * disconnects over the window.
 */
class DrainReadinessDelayTest {

    private static final Duration DELAY = Duration.ofSeconds(3);
    private static final Duration WINDOW = Duration.ofSeconds(2);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Node node = new Node();
    private final DrainPacer<Integer> pacer =
            new DrainPacer<>(node, scheduler, WINDOW, Duration.ofSeconds(1), new SplittableRandom(7));

    @Test
    void disconnectsNobodyAndRefusesNothingUntilTheReadinessDelayHasPassed() {
        node.open(0, 10);
        CompletableFuture<Void> done = pacer.start(DELAY, node::refuse);

        scheduler.advance(DELAY.minusMillis(1));
        assertFalse(node.refusing, "still accepting while the load balancer may route here");
        assertEquals(List.of(), node.disconnected);
        assertFalse(done.isDone());

        scheduler.advance(Duration.ofMillis(1));
        assertTrue(node.refusing);
        scheduler.advance(WINDOW);
        assertEquals(10, node.disconnected.size());
    }

    @Test
    void sessionsThatArriveDuringTheReadinessDelayAreDrainedToo() {
        node.open(0, 5);
        CompletableFuture<Void> done = pacer.start(DELAY, node::refuse);

        scheduler.advance(Duration.ofSeconds(1));
        node.open(5, 10);
        scheduler.advance(DELAY.plus(WINDOW));

        assertEquals(Set.copyOf(IntStream.range(0, 10).boxed().toList()), Set.copyOf(node.disconnected));
        assertTrue(done.isDone());
    }

    @Test
    void theWindowStartsWhenTheReadinessDelayEnds() {
        node.open(0, 4);
        CompletableFuture<Void> done = pacer.start(DELAY, node::refuse);

        scheduler.advance(DELAY.plus(WINDOW).minusMillis(1));
        assertFalse(node.closedAll, "the window runs from the end of the delay, not from the start");
        assertFalse(done.isDone());
        scheduler.advance(Duration.ofMillis(1));

        assertTrue(node.closedAll);
        assertTrue(done.isDone());
        assertEquals(0, scheduler.pendingTasks(), "no timer left behind");
    }

    @Test
    void anEmptyNodeStillWaitsTheReadinessDelay() {
        CompletableFuture<Void> done = pacer.start(DELAY, node::refuse);

        scheduler.advance(DELAY.minusMillis(1));
        assertFalse(done.isDone(), "a load balancer may still send it a new session");
        scheduler.advance(Duration.ofMillis(1));

        assertTrue(node.refusing);
        assertTrue(done.isDone());
    }

    @Test
    void aZeroDelayRefusesBeforeStartReturnsAndDisconnectsTheFirstBatchAtOnce() {
        node.open(0, 3);

        pacer.start(Duration.ZERO, node::refuse);
        assertTrue(node.refusing);
        scheduler.advance(Duration.ZERO);

        assertEquals(List.of(0), node.disconnected, "three sessions in three slots: the first one now");
    }

    @Test
    void startingAgainDuringTheDelayStartsOneDrain() {
        node.open(0, 6);
        CompletableFuture<Void> first = pacer.start(DELAY, node::refuse);

        scheduler.advance(Duration.ofSeconds(1));
        CompletableFuture<Void> second = pacer.start(Duration.ZERO, node::refuse);
        assertFalse(node.refusing, "the running drain keeps its delay");
        scheduler.advance(DELAY.plus(WINDOW));

        assertEquals(first, second);
        assertEquals(1, node.refusals);
        assertEquals(6, node.disconnected.size());
    }

    @Test
    void aNegativeDelayIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> pacer.start(Duration.ofMillis(-1), node::refuse));
        assertFalse(pacer.started());
    }

    /** A node of integer sessions that records its disconnects and when it began refusing new ones. */
    private static final class Node implements DrainPacer.Target<Integer> {
        final Set<Integer> open = new LinkedHashSet<>();
        final List<Integer> disconnected = new ArrayList<>();
        boolean refusing;
        boolean closedAll;
        int refusals;

        void open(int from, int to) {
            IntStream.range(from, to).forEach(open::add);
        }

        void refuse() {
            refusing = true;
            refusals++;
        }

        @Override
        public Collection<Integer> sessions() {
            return List.copyOf(open);
        }

        @Override
        public void disconnect(Integer session, long reconnectDelayMs) {
            disconnected.add(session);
        }

        @Override
        public void closeAll() {
            closedAll = true;
            open.clear();
        }
    }
}
