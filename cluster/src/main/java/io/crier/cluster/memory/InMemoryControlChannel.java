package io.crier.cluster.memory;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.ControlChannel;
import io.crier.cluster.ControlListener;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link ControlChannel} of a node alone: a message sent is heard by this node's own listener, on the
 * sender's thread, before {@link #send} returns. It never disconnects, so its listener hears
 * {@link ControlListener#resubscribed()} once, at start.
 *
 * <p>Thread-safe.
 */
public final class InMemoryControlChannel implements ControlChannel {

    private volatile ControlListener listener;
    private volatile boolean closed;

    @Override
    public synchronized void start(ControlListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (this.listener != null) {
            throw new IllegalStateException("start() was already called");
        }
        this.listener = listener;
        listener.resubscribed();
    }

    @Override
    public CompletionStage<Void> send(byte[] message) {
        Objects.requireNonNull(message, "message");
        ControlListener heard = listener;
        if (closed || heard == null) {
            return CompletableFuture.failedFuture(new BrokerUnavailableException("the control channel is closed"));
        }
        heard.message(message.clone());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        closed = true;
    }
}
