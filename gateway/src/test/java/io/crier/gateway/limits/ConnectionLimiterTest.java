package io.crier.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.limits.ConnectionLimiter.Admission;
import io.crier.gateway.limits.ConnectionLimiter.Lease;
import io.crier.gateway.limits.ConnectionLimiter.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {

    @Test
    void refusesTheConnectionAfterTheNodeLimitWithNodeFull() {
        ConnectionLimiter limiter = new ConnectionLimiter(2, 10, 10);
        assertTrue(limiter.admit("10.0.0.1").admitted());
        assertTrue(limiter.admit("10.0.0.2").admitted());
        Admission third = limiter.admit("10.0.0.3");
        assertFalse(third.admitted());
        assertEquals(Refusal.NODE_FULL, third.refusal());
        assertEquals(2, limiter.connections());
        assertEquals(0, limiter.connectionsOfIp("10.0.0.3"));
    }

    @Test
    void refusesTheConnectionAfterTheIpLimitWithoutHoldingANodeSlot() {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 2, 10);
        limiter.admit("10.0.0.1");
        limiter.admit("10.0.0.1");
        Admission third = limiter.admit("10.0.0.1");
        assertEquals(Refusal.IP_LIMIT, third.refusal());
        assertNull(third.lease());
        assertEquals(2, limiter.connections());
        assertTrue(limiter.admit("10.0.0.2").admitted());
    }

    @Test
    void bindingAUserPastItsLimitFailsAndChangesNothing() {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 10, 1);
        Lease first = limiter.admit("10.0.0.1").lease();
        Lease second = limiter.admit("10.0.0.2").lease();
        assertTrue(first.bindUser("alice"));
        assertTrue(first.bindUser("alice"), "binding the same user again is a no-op");
        assertFalse(second.bindUser("alice"));
        assertEquals(1, limiter.connectionsOfUser("alice"));
        assertTrue(second.bindUser("bob"));
        first.release();
        assertTrue(limiter.admit("10.0.0.3").lease().bindUser("alice"), "the released slot is free again");
    }

    @Test
    void rebindingToAnotherUserMovesTheSlot() {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 10, 5);
        Lease lease = limiter.admit("10.0.0.1").lease();
        lease.bindUser("alice");
        lease.bindUser("bob");
        assertEquals(0, limiter.connectionsOfUser("alice"));
        assertEquals(1, limiter.connectionsOfUser("bob"));
        assertEquals(1, limiter.trackedUsers());
    }

    @Test
    void releaseGivesEverySlotBackExactlyOnce() {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 10, 10);
        Lease lease = limiter.admit("10.0.0.1").lease();
        Lease other = limiter.admit("10.0.0.1").lease();
        lease.bindUser("alice");
        lease.release();
        lease.release();
        assertTrue(lease.released());
        assertTrue(lease.bindUser("carol"), "a released lease takes no slot");
        assertEquals(1, limiter.connections());
        assertEquals(1, limiter.connectionsOfIp("10.0.0.1"));
        assertEquals(0, limiter.trackedUsers());
        other.release();
        assertEquals(0, limiter.connections());
        assertEquals(0, limiter.trackedIps());
    }

    @Test
    void countersAreExactAndBackToZeroAfterManyConcurrentOpensAndCloses() throws Exception {
        int threads = 8;
        int rounds = 5_000;
        ConnectionLimiter limiter = new ConnectionLimiter(20, 6, 3);
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger overLimit = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String ip = "10.0.0." + (t % 3);
                String user = "user-" + (t % 4);
                done.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < rounds; i++) {
                        churn(limiter, ip, user, admitted, overLimit);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, overLimit.get(), "a limit was exceeded while held");
        assertTrue(admitted.get() > 0);
        assertEquals(0, limiter.connections());
        assertEquals(0, limiter.trackedIps());
        assertEquals(0, limiter.trackedUsers());
    }

    private static void churn(ConnectionLimiter limiter, String ip, String user, AtomicInteger admitted,
                              AtomicInteger overLimit) {
        Admission admission = limiter.admit(ip);
        if (!admission.admitted()) {
            return;
        }
        Lease lease = admission.lease();
        admitted.incrementAndGet();
        boolean bound = lease.bindUser(user);
        if (limiter.connections() > 20 || limiter.connectionsOfIp(ip) > 6 || limiter.connectionsOfUser(user) > 3) {
            overLimit.incrementAndGet();
        }
        lease.release();
        if (bound) {
            lease.release(); // a second release (channel close after a refusal) must change nothing
        }
    }

    @Test
    void listsTheAttachmentsOfAUsersLiveConnectionsAndForgetsReleasedOnes() {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 10, 10);
        Lease first = limiter.admit("10.0.0.1").lease();
        Lease second = limiter.admit("10.0.0.2").lease();
        Lease unbound = limiter.admit("10.0.0.3").lease();
        first.bindUser("alice");
        second.bindUser("alice");
        first.attach("session-1");
        second.attach("session-2");
        unbound.attach("session-3");

        assertEquals(List.of("session-1", "session-2"), limiter.attachments("alice", String.class).stream().sorted()
                .toList());
        assertEquals(List.of(), limiter.attachments("alice", Integer.class));
        assertEquals(2, limiter.attachments(String.class).size());

        first.release();

        assertEquals(List.of("session-2"), limiter.attachments("alice", String.class));
        assertEquals(1, limiter.connectionsOfUser("alice"));
        second.release();
        assertEquals(List.of(), limiter.attachments("alice", String.class));
        assertEquals(0, limiter.trackedUsers());
    }

    @Test
    void aUsersCountFollowsItsConnectionsFromOneToThreeAndBackToNone() {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 10, 3);
        Lease first = limiter.admit("10.0.0.1").lease();
        Lease second = limiter.admit("10.0.0.1").lease();
        Lease third = limiter.admit("10.0.0.1").lease();
        Lease fourth = limiter.admit("10.0.0.1").lease();
        first.attach("s1");
        second.attach("s2");
        third.attach("s3");

        assertTrue(first.bindUser("bob"));
        assertTrue(first.bindUser("bob"));
        assertEquals(1, limiter.connectionsOfUser("bob"));
        assertEquals(List.of("s1"), limiter.attachments("bob", String.class));
        assertTrue(second.bindUser("bob"));
        assertTrue(third.bindUser("bob"));
        assertFalse(fourth.bindUser("bob"));
        assertEquals(3, limiter.connectionsOfUser("bob"));

        second.release();
        third.release();
        assertEquals(List.of("s1"), limiter.attachments("bob", String.class));
        assertEquals(1, limiter.connectionsOfUser("bob"));
        assertTrue(fourth.bindUser("bob"));
        assertEquals(2, limiter.connectionsOfUser("bob"));
        first.release();
        fourth.release();
        assertEquals(0, limiter.connectionsOfUser("bob"));
        assertEquals(0, limiter.trackedUsers());
        assertEquals(0, limiter.connections());
    }

    @Test
    void aUserLimitedToOneConnectionKeepsItsFirstAndRefusesASecond() {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 10, 1);
        Lease first = limiter.admit("10.0.0.1").lease();
        Lease second = limiter.admit("10.0.0.1").lease();

        assertTrue(first.bindUser("carol"));
        assertFalse(second.bindUser("carol"));
        assertEquals(1, limiter.connectionsOfUser("carol"));
        first.release();
        assertTrue(second.bindUser("carol"));
        assertEquals(1, limiter.connectionsOfUser("carol"));
    }

    @Test
    void leasesOfOneAddressShareItsStringAndItsCountGoesBackToZero() {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 10, 10);
        Lease first = limiter.admit(new String("10.0.0.9")).lease();
        Lease second = limiter.admit(new String("10.0.0.9")).lease();

        assertSame(first.ip(), second.ip());
        assertEquals(2, limiter.connectionsOfIp("10.0.0.9"));
        first.release();
        assertEquals(1, limiter.connectionsOfIp("10.0.0.9"));
        second.release();
        assertEquals(0, limiter.connectionsOfIp("10.0.0.9"));
        assertEquals(0, limiter.trackedIps());
    }
}
