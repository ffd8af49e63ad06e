package io.crier.cluster.redis;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds how many commands of one connection wait for Redis at a time ({@code redis.requestQueueSize}): one over
 * the bound is refused by the caller at once, rather than handed to Lettuce, which would log a WARN for each
 * command over its own queue limit. Every permit taken is given back once, when its command completes.
 *
 * <p>Thread-safe.
 */
final class InFlightLimit {

    private final int max;
    private final AtomicInteger inFlight = new AtomicInteger();

    InFlightLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.max = max;
    }

    /** Takes a permit, or says that {@link #max()} commands are already waiting. */
    boolean tryAcquire() {
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a permit taken by {@link #tryAcquire()}. */
    void release() {
        inFlight.decrementAndGet();
    }

    /** The bound. */
    int max() {
        return max;
    }
}
