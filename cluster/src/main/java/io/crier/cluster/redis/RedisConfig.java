package io.crier.cluster.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * The Redis link of a {@link Broker}: where Redis is and how {@link RedisBroker} treats the link. The
 * constructor rejects values no broker could run with.
 *
 * <p>Immutable and thread-safe.
 *
 * @param uri               {@code redis.uri}: e.g. {@code redis://127.0.0.1:6379}; empty means no Redis,
 *                          so the node runs alone on the in-memory broker
 * @param prefix            {@code redis.prefix}: the Redis channel of topic {@code T} is {@code prefix + T}
 * @param reconnectMinDelay {@code redis.reconnectMinDelay}: the first reconnect delay, above zero
 * @param reconnectMaxDelay {@code redis.reconnectMaxDelay}: the cap of the exponential reconnect backoff,
 *                          at least {@code reconnectMinDelay}
 * @param requestQueueSize  {@code redis.requestQueueSize}: commands Lettuce may hold per connection; more
 *                          are refused, so a slow Redis cannot grow the heap
 * @param commandTimeout    {@code redis.commandTimeout}: how long one Redis command may take, above zero
 */
public record RedisConfig(
        String uri,
        String prefix,
        Duration reconnectMinDelay,
        Duration reconnectMaxDelay,
        int requestQueueSize,
        Duration commandTimeout) {

    /** Validates every field; the message names the first bad one by its config path. */
    public RedisConfig {
        Objects.requireNonNull(uri, "redis.uri");
        Objects.requireNonNull(prefix, "redis.prefix");
        requirePositive(reconnectMinDelay, "redis.reconnectMinDelay");
        requirePositive(reconnectMaxDelay, "redis.reconnectMaxDelay");
        requirePositive(commandTimeout, "redis.commandTimeout");
        if (reconnectMaxDelay.compareTo(reconnectMinDelay) < 0) {
            throw new IllegalArgumentException("redis.reconnectMaxDelay must be at least redis.reconnectMinDelay");
        }
        if (requestQueueSize < 1) {
            throw new IllegalArgumentException("redis.requestQueueSize must be at least 1");
        }
    }

    /** Whether a Redis URI is configured. */
    public boolean enabled() {
        return !uri.isEmpty();
    }

    private static void requirePositive(Duration value, String path) {
        Objects.requireNonNull(value, path);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(path + " must be above zero");
        }
    }
}
