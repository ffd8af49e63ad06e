package io.crier.cluster;

import java.util.Collection;

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

    /**
     * The broker's subscriptions to {@code topics} were broken while its link stayed up, and are back: what was
     * published on them in between was not delivered. A sharded broker says so when it moved a subscription to
     * the new owner of the topic's slot (a slot migrated, a replica promoted); a whole outage is told by
     * {@link #onStateChange} instead.
     */
    default void onSubscriptionsRestored(Collection<String> topics) {
    }
}
