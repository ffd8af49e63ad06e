package io.crier.gateway.session;

/**
 * The outcome of a server-side subscribe of one session ({@link Session#subscribeFromServer}): what the server API
 * counts, and what the opening of a session checks. Immutable.
 */
public enum ServerSubscribe {
    /** The session is subscribed now, and was sent its {@code subscribed} push. */
    SUBSCRIBED,
    /** The session was subscribed to the topic already: nothing changed, no push. */
    ALREADY_SUBSCRIBED,
    /** The session holds {@code session.maxTopics} topics already: nothing changed, no push. */
    TOO_MANY_TOPICS,
    /** The session is closed (or closing): nothing changed. */
    CLOSED,
    /** The broker (or the history store) failed: the session was left as it was, with no push. */
    FAILED;

    /** Whether the session holds the topic now. */
    public boolean holds() {
        return this == SUBSCRIBED || this == ALREADY_SUBSCRIBED;
    }
}
