package io.crier.loadtest.gatling;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The point where a simulation's virtual users report that they are subscribed (or failed to be), so that
 * publishing starts only when every subscriber can hear it. Thread-safe.
 */
final class Rendezvous {

    private final CountDownLatch pending;
    private final AtomicInteger failed = new AtomicInteger();
    private volatile long completedAtMillis;

    Rendezvous(int parties) {
        this.pending = new CountDownLatch(parties);
    }

    /** One party is ready ({@code ok}) or gave up; each party arrives exactly once. */
    void arrive(boolean ok) {
        if (!ok) {
            failed.incrementAndGet();
        }
        pending.countDown();
        if (pending.getCount() == 0 && completedAtMillis == 0) {
            completedAtMillis = System.currentTimeMillis();
        }
    }

    /** Whether every party has arrived. */
    boolean complete() {
        return pending.getCount() == 0;
    }

    /** When the last party arrived (epoch milliseconds), or 0 while some are missing. */
    long completedAtMillis() {
        return completedAtMillis;
    }

    /** How many parties gave up. */
    int failed() {
        return failed.get();
    }

    /** Waits until every party has arrived, at most {@code timeout}; returns whether they all did. */
    boolean await(Duration timeout) throws InterruptedException {
        return pending.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
