package io.crier.gateway.session;

import io.crier.protocol.Push;

/**
 * Where a {@link Session} sends the pushes it makes itself ({@code subscribed}, {@code unsubscribed}), and the
 * thread it runs on: the transport implements it over the session's channel and event loop, so that the domain
 * stays free of Netty. Implementations are thread-safe.
 */
public interface PushChannel {

    /** A channel that runs tasks at once and drops pushes: the default, until the transport sets one. */
    PushChannel NONE = new PushChannel() {
        @Override
        public boolean execute(Runnable task) {
            task.run();
            return true;
        }

        @Override
        public void send(Push push) {
        }
    };

    /**
     * Runs {@code task} on the session's thread (at once when called there); false, running nothing, when that
     * thread is gone (the node is stopping).
     */
    boolean execute(Runnable task);

    /** Writes and flushes {@code push}; called on the session's thread only. */
    void send(Push push);
}
