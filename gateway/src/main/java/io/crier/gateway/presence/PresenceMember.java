package io.crier.gateway.presence;

import io.crier.cluster.PresenceEntry;

/**
 * One session on one topic as the {@link PresenceTracker} tracks it, and what the topic's namespace asks for.
 * Immutable; thread-safe.
 *
 * @param topic        the topic
 * @param entry        the session's presence entry
 * @param subscription the session's subscription it was added for, so that a stale unsubscribe is ignored
 * @param stored       whether the namespace keeps presence (the entry goes to the store)
 * @param events       whether the namespace publishes joins and leaves
 */
record PresenceMember(String topic, PresenceEntry entry, Object subscription, boolean stored, boolean events) {

    /** A topic and a session id, or a topic and a user. */
    record Key(String topic, String id) {
    }

    Key key() {
        return new Key(topic, entry.sessionId());
    }

    /** The topic and this member's user: whose leaving session a rejoin of the same user takes over. */
    Key userKey() {
        return new Key(topic, entry.user());
    }

    String sessionId() {
        return entry.sessionId();
    }
}
