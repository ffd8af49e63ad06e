package io.crier.cluster.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a publication with history waits for Redis replicas before it is acknowledged ({@code WAIT}): with
 * {@code replicas} above 0, {@link RedisHistoryStore#publish} completes only once that many replicas confirmed
 * it, and fails (as unavailable: the publication may still have been made) when fewer did within
 * {@code timeout}. Replication is asynchronous, so without it a failover can lose publications the old master
 * acknowledged; with it, an acknowledged publication is on that many replicas. Immutable.
 *
 * @param replicas {@code redis.waitReplicas}: 0 (off) to 100
 * @param timeout  {@code redis.waitTimeout}: how long one publication waits for them, above zero
 */
public record ReplicaWait(int replicas, Duration timeout) {

    /** No waiting: publications are acknowledged by the master alone. */
    public static final ReplicaWait OFF = new ReplicaWait(0, Duration.ofSeconds(1));

    public ReplicaWait {
        Objects.requireNonNull(timeout, "redis.waitTimeout");
        if (replicas < 0 || replicas > 100) {
            throw new IllegalArgumentException("redis.waitReplicas must be 0..100");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("redis.waitTimeout must be above zero");
        }
    }

    /** Whether publications wait for replicas at all. */
    public boolean enabled() {
        return replicas > 0;
    }
}
