package io.crier.cluster;

/**
 * Receives what a {@link Broker} delivers. Called on a broker thread: implementations must not block,
 * and hand any real work to other threads.
 */
public interface BrokerListener {

    /** One publication on {@code topic}; {@code payload} is exactly what the publisher wrote. */
    void onPublication(String topic, byte[] payload);

    /** The broker's link state changed. */
    default void onStateChange(BrokerState state) {
    }
}
