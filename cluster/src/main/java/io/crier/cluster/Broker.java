package io.crier.cluster;

import java.util.concurrent.CompletionStage;

/**
 * Moves publications between the nodes of a fleet. A node {@link #subscribe subscribes} to a topic
 * while it has local subscribers, and receives every publication on that topic, from any node or
 * backend, through its {@link BrokerListener}.
 *
 * <p>Contract, shared by every implementation and checked by the broker contract suite:
 * <ul>
 *   <li>Delivery is <b>at most once</b>: a publication made while this node is not subscribed, or while
 *       the broker link is down, may never arrive.</li>
 *   <li>Publications to one topic from one publisher (one node's {@link #publish} calls, in call order)
 *       arrive in that order.</li>
 *   <li>{@link #subscribe} and {@link #unsubscribe} are idempotent, and are applied in call order. The
 *       stage of {@code subscribe} completes once publications made after it will be delivered.</li>
 *   <li>After the link to the backend drops and comes back, the broker restores every subscription on
 *       its own; the caller does nothing.</li>
 *   <li>The listener is called on a broker thread and must not block.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
public interface Broker extends AutoCloseable {

    /**
     * Connects and starts delivering to {@code listener}. Called once, before any other method. The stage
     * completes when the broker is connected, or exceptionally when the first connection fails (the
     * broker goes on retrying).
     */
    CompletionStage<Void> start(BrokerListener listener);

    /**
     * Starts receiving publications on {@code topic}. The stage completes once publications made after it
     * will be delivered. It fails with {@link BrokerUnavailableException} when the link is down; the topic
     * may then still be subscribed later, once the link is back, so a caller that gives up calls
     * {@link #unsubscribe}.
     */
    CompletionStage<Void> subscribe(String topic);

    /**
     * Stops receiving publications on {@code topic}: once the stage completes, none is delivered any more,
     * not even one already on its way (a delivery already running on another thread may still finish).
     * Never fails.
     */
    CompletionStage<Void> unsubscribe(String topic);

    /**
     * Publishes {@code payload} (a publication in the format of {@code PublicationCodec}) to every node
     * subscribed to {@code topic}. The stage fails fast with {@link BrokerUnavailableException} when the
     * broker is disconnected, rather than queueing without bound.
     */
    CompletionStage<Void> publish(String topic, byte[] payload);

    /** The current link state; {@link BrokerState#CONNECTED} means the node can serve. */
    BrokerState state();

    /** Disconnects and releases every resource. Idempotent. */
    @Override
    void close();
}
