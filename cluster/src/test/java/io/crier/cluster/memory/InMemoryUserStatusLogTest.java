package io.crier.cluster.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.cluster.ManualClock;
import io.crier.cluster.UserSession;
import io.crier.cluster.UserStatusLog;
import io.crier.cluster.UserStatusLogContract;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The user status contract on {@link InMemoryUserStatusLog}, with a manual clock, plus what only it does. */
class InMemoryUserStatusLogTest extends UserStatusLogContract {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    protected UserStatusLog newLog(String prefix) {
        return new InMemoryUserStatusLog(LEASE, GRACE, 100, clock);
    }

    @Override
    protected void advance(Duration time) {
        clock.advance(time);
    }

    @Test
    void keepsOnlyTheLastMaxLenEntries() throws Exception {
        UserStatusLog log = new InMemoryUserStatusLog(LEASE, GRACE, 3, clock);
        for (int i = 0; i < 5; i++) {
            complete(log.open(new UserSession("user" + i, "s" + i, "n1")));
        }

        assertEquals(List.of("user2 online n1", "user3 online n1", "user4 online n1"),
                described(get(log.read("0", 100))));
    }

    @Test
    void anOfflineIsDueExactlyWhenTheGraceEnds() throws Exception {
        UserStatusLog log = log();
        complete(log.open(new UserSession("alice", "s1", "n1")));
        complete(log.end(new UserSession("alice", "s1", "n1")));
        clock.advance(GRACE.minusMillis(1));
        assertEquals(1, get(log.sweep()), "the online alone");

        clock.advance(Duration.ofMillis(1));

        assertEquals(1, get(log.sweep()));
    }
}
