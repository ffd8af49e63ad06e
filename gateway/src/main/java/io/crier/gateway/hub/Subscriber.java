package io.crier.gateway.hub;

/**
 * One local receiver of publications, as the {@link Hub} sees it: a session. The transport's
 * {@code ChannelSubscriber} is the one implementation in production, and its {@link Fanout} and
 * {@link SessionEvictor} get back only the subscribers it gave the hub. A map key of the hub: its equality must
 * not change. Thread-safe.
 */
public interface Subscriber {

    /** The session id, unique on this node. */
    String sessionId();
}
