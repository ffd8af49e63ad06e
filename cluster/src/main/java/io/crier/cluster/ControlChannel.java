package io.crier.cluster;

import java.util.concurrent.CompletionStage;

/**
 * Fleet-wide control messages that every node hears, its own included: what the server API asks of the whole
 * fleet (disconnect a user, a new revocation, ...). Delivery is at most once, like the broker's: a node whose
 * subscription is down misses what is sent meanwhile, and learns that it may have (its listener's
 * {@link ControlListener#resubscribed()}), so that it can reload what it keeps from a store. Messages are opaque
 * bytes here; their format is the gateway's business.
 *
 * <p>Implementations are thread-safe. Listener calls run on the channel's thread (Lettuce's I/O threads, or the
 * sender's thread in memory) and must not block.
 */
public interface ControlChannel extends AutoCloseable {

    /**
     * Starts listening; {@code listener} hears every message sent from now on by any node, and
     * {@link ControlListener#resubscribed()} once the subscription is active, and again after each reconnect.
     *
     * @throws IllegalStateException when called a second time
     */
    void start(ControlListener listener);

    /**
     * Sends {@code message} to every node. Fails with {@link BrokerUnavailableException} when the channel cannot
     * reach the fleet now (nothing was sent).
     */
    CompletionStage<Void> send(byte[] message);

    /** Stops listening and releases the channel's connections. Idempotent. */
    @Override
    void close();
}
