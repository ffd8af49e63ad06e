package io.crier.gateway.support;

import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The text frames of one JDK {@link WebSocket}, sent one after another. The JDK fails a send made while the
 * previous one is still pending ({@code IllegalStateException: Send pending}), and a reply can be read before
 * the write of its command has completed: a client that answers the {@code auth} reply with a {@code subscribe}
 * from the listener would then lose that subscribe, silently, now and then. Each send here waits for the one
 * before; after a failed send nothing more is sent, and the failure callback runs once. Thread-safe.
 */
public final class OrderedSends {

    private final WebSocket socket;
    private final BiConsumer<WebSocket, Throwable> onFailure;
    private final AtomicBoolean failed = new AtomicBoolean();
    private CompletableFuture<WebSocket> last = CompletableFuture.completedFuture(null);

    /** Sends on {@code socket}; {@code onFailure} gets the socket and the cause of the first failed send. */
    public OrderedSends(WebSocket socket, BiConsumer<WebSocket, Throwable> onFailure) {
        this.socket = socket;
        this.onFailure = onFailure;
    }

    /** Queues {@code text} as one whole text frame after every earlier one. */
    public synchronized void send(String text) {
        last = last.thenCompose(ignored -> socket.sendText(text, true));
        last.whenComplete((ignored, error) -> {
            if (error != null && failed.compareAndSet(false, true)) {
                onFailure.accept(socket, error);
            }
        });
    }
}
