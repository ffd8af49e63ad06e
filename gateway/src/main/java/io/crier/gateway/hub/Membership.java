package io.crier.gateway.hub;

/**
 * What the history logic needs from the {@link Hub}'s bookkeeping: removing a member (with the usual
 * ref-counting and unsubscribe grace), and the broker link's history. Implemented inside the hub. Thread-safe.
 */
interface Membership {

    /** Removes {@code subscriber} from {@code entry}, live or recovering. Caller holds the entry's lock. */
    void remove(TopicEntry entry, Subscriber subscriber);

    /** How many times the broker link went down since the node started. */
    long outages();

    /** Whether the broker link is up now. */
    boolean linkUp();
}
