package io.crier.cluster;

/**
 * Hears a {@link ControlChannel}. Called on the channel's thread; must not block.
 */
public interface ControlListener {

    /** A control message, exactly as some node sent it. */
    void message(byte[] message);

    /**
     * The subscription became active (at start, and after each reconnect): messages sent while it was down were
     * missed, so whatever the listener keeps should be reloaded from its store.
     */
    void resubscribed();
}
