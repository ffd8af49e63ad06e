package io.crier.gateway.session;

/**
 * Hears sessions open and close: the online/offline events implement it. {@link #opened} is called once a session
 * is authenticated and open, {@link #closed} once when it has closed, always after its {@code opened}.
 *
 * <p>Called on the session's event loop; implementations are thread-safe and must not block.
 */
public interface SessionListener {

    /** A listener that does nothing: the default. */
    SessionListener NONE = new SessionListener() {
        @Override
        public void opened(Session session) {
        }

        @Override
        public void closed(Session session) {
        }
    };

    /** {@code session} opened. */
    void opened(Session session);

    /** {@code session} closed. */
    void closed(Session session);
}
