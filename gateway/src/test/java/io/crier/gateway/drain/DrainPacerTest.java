package io.crier.gateway.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.hub.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The pacing, on a manual clock: which session goes when. */
class DrainPacerTest {

    private static final Duration STEP = Duration.ofMillis(10);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeNode node = new FakeNode();

    @Test
    void spreadsFortyDisconnectsEvenlyOverTheWindow() {
        node.open(40);
        DrainPacer<Integer> pacer = pacer(Duration.ofSeconds(2), Duration.ofSeconds(5));

        pacer.start();
        advanceUntil(Duration.ofSeconds(3));

        assertEquals(40, node.disconnected.size(), "every session told once");
        Map<Long, Integer> perMillis = node.batchesByMillis();
        int evenShare = (int) Math.ceil(40 / 20.0);
        perMillis.values().forEach(size -> assertTrue(size <= evenShare, "batch sizes " + perMillis));
        assertEquals(0L, perMillis.keySet().stream().mapToLong(Long::longValue).min().orElseThrow());
        long last = perMillis.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(last >= 1000 && last < 2000, "last disconnect at " + last + " ms");
        assertEquals(20, perMillis.size(), "one batch per 100 ms slot");
    }

    @Test
    void completesAtOnceWhenTheNodeIsEmpty() {
        DrainPacer<Integer> pacer = pacer(Duration.ofSeconds(10), Duration.ofSeconds(5));

        CompletableFuture<Void> done = pacer.start();

        assertTrue(done.isDone());
        assertEquals(0, scheduler.pendingTasks());
    }

    @Test
    void completesEarlyWhenTheSessionsLeaveOnTheirOwn() {
        node.open(10);
        DrainPacer<Integer> pacer = pacer(Duration.ofSeconds(10), Duration.ofSeconds(5));
        CompletableFuture<Void> done = pacer.start();

        advance(Duration.ofSeconds(1));
        node.closeEveryone();
        advance(DrainPacer.CHECK_INTERVAL);

        assertTrue(done.isDone());
        assertFalse(node.closedAll, "nothing was left to close");
        assertTrue(node.disconnected.size() < 10, "the later batches were not needed: " + node.disconnected);
        assertEquals(0, scheduler.pendingTasks(), "no timer left behind");
    }

    @Test
    void completesOnceTheLastDisconnectedSessionHasClosed() {
        node.open(4);
        node.closeOnDisconnect = true;
        CompletableFuture<Void> done = pacer(Duration.ofSeconds(1), Duration.ZERO).start();

        advance(Duration.ofMillis(750));
        assertFalse(done.isDone(), "the last batch is at 750 ms, its check after it");
        advance(DrainPacer.CHECK_INTERVAL);

        assertTrue(done.isDone());
        assertFalse(node.closedAll);
    }

    @Test
    void closesWhatIsLeftWhenTheWindowEnds() {
        node.open(3);
        CompletableFuture<Void> done = pacer(Duration.ofSeconds(3), Duration.ofSeconds(1)).start();

        advance(Duration.ofMillis(2990));
        assertFalse(done.isDone());
        assertFalse(node.closedAll);
        advance(STEP);

        assertTrue(node.closedAll);
        assertTrue(done.isDone());
        assertEquals(0, scheduler.pendingTasks());
    }

    @Test
    void reconnectDelayHintsAreRandomWithinTheBound() {
        node.open(200);
        pacer(Duration.ofSeconds(2), Duration.ofSeconds(5)).start();

        advanceUntil(Duration.ofSeconds(2));

        List<Long> hints = List.copyOf(node.hints);
        assertEquals(200, hints.size());
        hints.forEach(hint -> assertTrue(hint >= 0 && hint <= 5000, "hint " + hint));
        assertTrue(Set.copyOf(hints).size() > 100, "hints are jittered, not one value");
        assertTrue(hints.stream().mapToLong(Long::longValue).max().orElseThrow() > 2500, "the range is used");
    }

    @Test
    void aZeroHintBoundSendsNoHint() {
        node.open(5);
        pacer(Duration.ZERO, Duration.ZERO).start();

        advance(Duration.ZERO);

        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), node.hints);
    }

    @Test
    void aZeroWindowDisconnectsEveryoneAtOnce() {
        node.open(25);
        CompletableFuture<Void> done = pacer(Duration.ZERO, Duration.ofSeconds(1)).start();

        advance(Duration.ZERO);

        assertEquals(25, node.disconnected.size());
        assertEquals(Set.of(0L), node.batchesByMillis().keySet());
        assertTrue(done.isDone());
    }

    @Test
    void startingTwiceStartsOneDrain() {
        node.open(10);
        DrainPacer<Integer> pacer = pacer(Duration.ofSeconds(1), Duration.ZERO);

        CompletableFuture<Void> first = pacer.start();
        CompletableFuture<Void> second = pacer.start();
        advanceUntil(Duration.ofSeconds(1));

        assertSame(first, second);
        assertEquals(10, node.disconnected.size());
        assertEquals(10, Set.copyOf(node.disconnected).size());
    }

    private DrainPacer<Integer> pacer(Duration window, Duration reconnectDelayMax) {
        return new DrainPacer<>(node, scheduler, window, reconnectDelayMax, new SplittableRandom(42));
    }

    private void advance(Duration duration) {
        scheduler.advance(duration);
        node.nowMillis += duration.toMillis();
    }

    /** Advances in small steps, so that each disconnect is stamped with the step it happened in. */
    private void advanceUntil(Duration end) {
        while (node.nowMillis < end.toMillis()) {
            advance(STEP);
        }
    }

    /** A node of integer sessions that records when each is told to go. */
    private static final class FakeNode implements DrainPacer.Target<Integer> {
        final Set<Integer> open = new LinkedHashSet<>();
        final List<Integer> disconnected = new ArrayList<>();
        final List<Long> hints = new ArrayList<>();
        final List<Long> disconnectMillis = new ArrayList<>();
        long nowMillis;
        boolean closeOnDisconnect;
        boolean closedAll;

        void open(int count) {
            IntStream.range(0, count).forEach(open::add);
        }

        void closeEveryone() {
            open.clear();
        }

        /** Disconnects by the time they happened; a disconnect in step (t-10, t] is stamped t-10. */
        Map<Long, Integer> batchesByMillis() {
            Map<Long, Integer> batches = new TreeMap<>();
            disconnectMillis.forEach(at -> batches.merge(at, 1, Integer::sum));
            return batches;
        }

        @Override
        public Collection<Integer> sessions() {
            return List.copyOf(open);
        }

        @Override
        public void disconnect(Integer session, long reconnectDelayMs) {
            disconnected.add(session);
            hints.add(reconnectDelayMs);
            disconnectMillis.add(nowMillis);
            if (closeOnDisconnect) {
                open.remove(session);
            }
        }

        @Override
        public void closeAll() {
            closedAll = true;
            open.clear();
        }
    }
}
