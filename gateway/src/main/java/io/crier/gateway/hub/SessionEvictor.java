package io.crier.gateway.hub;

import java.util.Collection;

/**
 * Closes local sessions whose view of a topic the hub can no longer keep gapless: their client must reconnect
 * and resubscribe with its last position (close code 4006 {@code insufficient_state}). The transport implements
 * it; the hub has already removed the sessions from the topic when it calls. Called on any thread, possibly
 * with a topic's lock held by no one; must not block. Implementations are thread-safe.
 */
public interface SessionEvictor {

    /** Closes each of {@code sessions} with {@code insufficient_state}. */
    void evict(Collection<? extends Subscriber> sessions);
}
