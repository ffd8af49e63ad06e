package io.crier.cluster;

/**
 * Receives what a {@link Broker} delivers: publications on subscribed topics, and link state changes.
 *
 * <p>Called on broker threads, possibly several at once ({@link RedisBroker} reports publications from its
 * pub/sub connection's thread and state changes from either connection's thread), so implementations must
 * be thread-safe, must not block, and hand any real work to other threads. An exception thrown here is
 * caught and counted by the broker, and later deliveries go on.
 */
public interface BrokerListener {

    /** One publication on {@code topic}; {@code payload} is exactly what the publisher wrote, and ours to keep. */
    void onPublication(String topic, byte[] payload);

    /** The broker's link state changed to {@code state}; calls are made in the order of the changes. */
    default void onStateChange(BrokerState state) {
    }
}
