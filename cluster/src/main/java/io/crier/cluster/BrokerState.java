package io.crier.cluster;

/** The state of a {@link Broker}'s link to its backend. Immutable. */
public enum BrokerState {
    /** Not started yet. */
    NEW,
    /** Connected: publications flow. */
    CONNECTED,
    /** The link is down; the broker is reconnecting on its own. */
    DISCONNECTED,
    /** Closed for good. */
    CLOSED
}
