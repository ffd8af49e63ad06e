package io.crier.cluster.redis;

import io.lettuce.core.resource.Delay;
import java.time.Duration;

/**
 * The reconnect backoff of a {@link RedisBroker}: {@code min}, then doubling on each attempt, capped at
 * {@code max}. Lettuce's own {@code Delay.exponential()} starts from 1 ms units and caps at 30 s, which is
 * too slow for a node that must be ready again soon after Redis is.
 *
 * <p>Immutable and thread-safe; one instance serves every connection of a broker.
 */
final class RedisReconnectDelay extends Delay {

    /** Beyond this many doublings any sane {@code min} has passed any sane {@code max}. */
    private static final int MAX_DOUBLINGS = 40;

    private final Duration min;
    private final Duration max;

    RedisReconnectDelay(Duration min, Duration max) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("need 0 < min <= max, got " + min + " and " + max);
        }
        this.min = min;
        this.max = max;
    }

    /** The delay before attempt number {@code attempt} (1 for the first retry). */
    @Override
    public Duration createDelay(long attempt) {
        long doublings = Math.max(0, Math.min(attempt - 1, MAX_DOUBLINGS));
        double nanos = min.toNanos() * Math.pow(2, doublings);
        return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
    }
}
