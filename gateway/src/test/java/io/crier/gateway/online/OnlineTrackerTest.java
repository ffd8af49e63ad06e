package io.crier.gateway.online;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.cluster.ManualClock;
import io.crier.protocol.UserStatusEvent;
import io.crier.cluster.memory.InMemoryUserStatusLog;
import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import io.crier.gateway.hub.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OnlineTracker} on an {@link InMemoryUserStatusLog}, with a manual clock (leases, grace) and a manual
 * scheduler (renewals, sweeps) moved together.
 */
class OnlineTrackerTest {

    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duration REFRESH = Duration.ofSeconds(5);
    private static final Duration SWEEP = Duration.ofSeconds(1);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemoryUserStatusLog log = new InMemoryUserStatusLog(LEASE, GRACE, 100, clock);
    private final OnlineTracker tracker = new OnlineTracker(log, "n1");

    OnlineTrackerTest() {
        tracker.start(scheduler, REFRESH, SWEEP);
    }

    @AfterEach
    void close() {
        tracker.close();
        log.close();
    }

    @Test
    void aSessionMakesItsUserOnlineAndItsCloseOfflineOnceTheGraceHasPassed() throws Exception {
        tracker.lease("n1-1", user("alice"));
        advance(SWEEP);
        assertEquals(List.of("alice online n1"), events());
        assertEquals(1, tracker.leasedSessions());

        tracker.release("n1-1");
        advance(GRACE.minus(SWEEP));
        assertEquals(List.of("alice online n1"), events());
        advance(SWEEP.multipliedBy(2));

        assertEquals(List.of("alice online n1", "alice offline n1"), events());
        assertEquals(2, tracker.appended());
        assertEquals(0, tracker.leasedSessions());
    }

    @Test
    void anotherSessionOfTheUserWithinTheGraceKeepsThemOnlineWithoutAnEvent() throws Exception {
        tracker.lease("n1-1", user("alice"));
        tracker.release("n1-1");
        advance(GRACE.minusSeconds(2));
        tracker.lease("n1-2", user("alice"));

        advance(GRACE.multipliedBy(3));

        assertEquals(List.of("alice online n1"), events());
    }

    @Test
    void renewalsKeepALeaseAliveLongAfterItsFirstTerm() throws Exception {
        tracker.lease("n1-1", user("alice"));

        advance(LEASE.multipliedBy(4));

        assertEquals(List.of("alice online n1"), events());
    }

    @Test
    void anonymousSessionsAreNotLeased() throws Exception {
        tracker.lease("n1-1", User.ANONYMOUS);
        tracker.release("n1-1");
        advance(SWEEP);

        assertEquals(List.of(), events());
        assertEquals(0, tracker.leasedSessions());
    }

    @Test
    void closingEndsEveryLeaseSoItsUsersGoOfflineAfterTheGraceAndStopsTheTimers() throws Exception {
        tracker.lease("n1-1", user("alice"));
        tracker.lease("n1-2", user("bob"));

        tracker.close();

        assertEquals(0, scheduler.pendingTasks());
        clock.advance(GRACE);
        log.sweep().toCompletableFuture().get(1, TimeUnit.SECONDS);
        assertEquals(List.of("alice online n1", "alice offline n1", "bob online n1", "bob offline n1"), events());
    }

    @Test
    void callsThatFailAreCountedAndNeverThrow() throws Exception {
        log.close();

        tracker.lease("n1-1", user("alice"));
        tracker.renew();
        tracker.release("n1-1");
        int swept = tracker.sweep().toCompletableFuture().get(1, TimeUnit.SECONDS);

        assertEquals(0, swept);
        assertEquals(4, tracker.failures());
    }

    private List<String> events() throws Exception {
        return log.read("0", 100).toCompletableFuture().get(1, TimeUnit.SECONDS).stream()
                .sorted(java.util.Comparator.comparing(UserStatusEvent::user))
                .map(event -> event.user() + " " + event.type().wire() + " " + event.node()).toList();
    }

    /** Moves the clock and the scheduler together, a second at a time. */
    private void advance(Duration time) {
        for (Duration left = time; !left.isZero(); left = left.minusSeconds(1)) {
            clock.advance(Duration.ofSeconds(1));
            scheduler.advance(Duration.ofSeconds(1));
        }
    }

    private static User user(String id) {
        return new User(id, TopicPatterns.NONE, TopicPatterns.NONE, Instant.parse("2030-01-01T00:00:00Z"));
    }
}
