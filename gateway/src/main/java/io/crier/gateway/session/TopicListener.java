package io.crier.gateway.session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Hears which topics a {@link Session} holds: presence tracking implements it. {@link #subscribed} is called
 * when a {@code subscribe} command takes a topic (before the broker confirms it), {@link #unsubscribed} when
 * the session lets the topic go: {@code unsubscribe}, the connection's close, or a subscribe the broker
 * refused. {@code subscription} identifies one subscribe: an {@code unsubscribed} names the same object as
 * the {@code subscribed} it ends, and always comes after it. The stage {@link #subscribed} returns completes
 * once what the listener records is visible to the fleet (a presence entry stored): the session's {@code ok}
 * waits for it, so that a client that got its {@code ok} finds itself in {@code presence}. It never fails.
 *
 * <p>Called on the session's event loop, or on a broker thread for a refused subscribe; implementations are
 * thread-safe and must not block.
 */
public interface TopicListener {

    /** A listener that does nothing: the default. */
    TopicListener NONE = new TopicListener() {
        @Override
        public CompletionStage<Void> subscribed(Session session, String topic, Object subscription) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void unsubscribed(Session session, String topic, Object subscription) {
        }
    };

    /** {@code session} took {@code topic}; the stage completes when that is recorded, and never fails. */
    CompletionStage<Void> subscribed(Session session, String topic, Object subscription);

    /** {@code session} let {@code topic} go. */
    void unsubscribed(Session session, String topic, Object subscription);
}
