package io.crier.gateway.fleet;

/**
 * Subscribes and unsubscribes a live session from the server side, with the {@code subscribed} and
 * {@code unsubscribed} pushes (PROTOCOL.md): what the server API's {@code subscribe} and {@code unsubscribe}
 * actions do to each live session of a user. The composition root binds it to the session's server-side
 * subscription methods. Implementations are thread-safe and do not block (the work is handed to the session's
 * thread).
 */
public interface ServerSubscriptions {

    /** Reaches no session: what a node does until server-side subscriptions are bound. */
    ServerSubscriptions NONE = new ServerSubscriptions() {
        @Override
        public boolean subscribe(LiveSession session, String topic) {
            return false;
        }

        @Override
        public boolean unsubscribe(LiveSession session, String topic) {
            return false;
        }
    };

    /**
     * Subscribes {@code session} to {@code topic} (idempotent: a session subscribed already stays so).
     *
     * @return whether the session was reached (it is open and the subscription was handed to it)
     */
    boolean subscribe(LiveSession session, String topic);

    /**
     * Takes {@code session} off {@code topic} (idempotent).
     *
     * @return whether the session was reached (it is open and was subscribed to {@code topic})
     */
    boolean unsubscribe(LiveSession session, String topic);
}
