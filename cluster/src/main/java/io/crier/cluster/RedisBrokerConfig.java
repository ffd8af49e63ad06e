package io.crier.cluster;

import java.time.Duration;

/**
 * The Redis link of a {@link Broker}.
 *
 * @param uri               {@code redis.uri}: e.g. {@code redis://127.0.0.1:6379}; empty means no Redis,
 *                          so the node runs alone on the in-memory broker
 * @param prefix            {@code redis.prefix}: the Redis channel of topic {@code T} is {@code prefix + T}
 * @param reconnectMinDelay {@code redis.reconnectMinDelay}: the first reconnect delay
 * @param reconnectMaxDelay {@code redis.reconnectMaxDelay}: the cap of the exponential reconnect backoff
 * @param requestQueueSize  {@code redis.requestQueueSize}: commands Lettuce may hold; more are refused
 * @param commandTimeout    {@code redis.commandTimeout}: how long one Redis command may take
 */
public record RedisBrokerConfig(
        String uri,
        String prefix,
        Duration reconnectMinDelay,
        Duration reconnectMaxDelay,
        int requestQueueSize,
        Duration commandTimeout) {

    /** Whether a Redis URI is configured. */
    public boolean enabled() {
        return !uri.isEmpty();
    }
}
