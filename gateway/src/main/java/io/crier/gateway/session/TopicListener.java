package io.crier.gateway.session;

/**
 * Hears which topics a {@link Session} holds: presence tracking implements it. {@link #subscribed} is called
 * when a {@code subscribe} command takes a topic (before the broker confirms it), {@link #unsubscribed} when
 * the session lets the topic go: {@code unsubscribe}, the connection's close, or a subscribe the broker
 * refused. {@code subscription} identifies one subscribe: an {@code unsubscribed} names the same object as
 * the {@code subscribed} it ends, and always comes after it.
 *
 * <p>Called on the session's event loop, or on a broker thread for a refused subscribe; implementations are
 * thread-safe and must not block.
 */
public interface TopicListener {

    /** A listener that does nothing: the default. */
    TopicListener NONE = new TopicListener() {
        @Override
        public void subscribed(Session<?> session, String topic, Object subscription) {
        }

        @Override
        public void unsubscribed(Session<?> session, String topic, Object subscription) {
        }
    };

    /** {@code session} took {@code topic}. */
    void subscribed(Session<?> session, String topic, Object subscription);

    /** {@code session} let {@code topic} go. */
    void unsubscribed(Session<?> session, String topic, Object subscription);
}
