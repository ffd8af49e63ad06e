package io.crier.gateway.hub;

import java.util.Collection;

/**
 * Writes one encoded push to many local subscribers. The transport implements it so that the bytes are
 * turned into one buffer and shared by every subscriber. Called on broker threads; must not block.
 */
public interface Fanout {

    /** Sends {@code encodedPush} (UTF-8 JSON of a {@code message} push) to each of {@code targets}. */
    void deliver(byte[] encodedPush, Collection<? extends Subscriber> targets);
}
