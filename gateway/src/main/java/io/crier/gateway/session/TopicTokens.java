package io.crier.gateway.session;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A small map of topic to token ({@link SessionTopics}' table), sized for the one topic most sessions hold: one
 * entry lives in two fields, and a {@link HashMap} is made only for a second (a concurrent map of one topic took
 * about 130 bytes per session; this takes 24). Tokens are compared by identity, as {@link SessionTopics} needs.
 *
 * <p>Thread-safe: every method holds this object's lock, held only for the map's own work (no callbacks run under
 * it); the session's event loop writes, a broker thread may remove a failed subscribe's entry, and any thread may read.
 */
final class TopicTokens {

    /** The topic of the one entry kept in fields, or null; never set while {@link #more} holds entries. */
    private String topic;
    private Object token;
    /** Every entry once a second topic is added, until the map is empty again; null before. */
    private Map<String, Object> more;

    /** Maps {@code key} to {@code value}, replacing what it had; returns the previous token or null. */
    synchronized Object put(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (more != null) {
            return more.put(key, value);
        }
        if (topic == null || topic.equals(key)) {
            Object was = token;
            topic = key;
            token = value;
            return was;
        }
        more = new HashMap<>(4);
        more.put(topic, token);
        more.put(key, value);
        topic = null;
        token = null;
        return null;
    }

    /** Whether {@code key} has a token. */
    synchronized boolean containsKey(String key) {
        return more != null ? more.containsKey(key) : key.equals(topic);
    }

    /** The number of topics. */
    synchronized int size() {
        return more != null ? more.size() : topic == null ? 0 : 1;
    }

    /** Removes {@code key}; returns its token, or null when it had none. */
    synchronized Object remove(String key) {
        if (more != null) {
            Object was = more.remove(key);
            if (more.isEmpty()) {
                more = null;
            }
            return was;
        }
        if (!key.equals(topic)) {
            return null;
        }
        Object was = token;
        topic = null;
        token = null;
        return was;
    }

    /** Removes {@code key} only while it maps to {@code expected} (by identity); returns whether it did. */
    synchronized boolean remove(String key, Object expected) {
        if (tokenOf(key) != expected || expected == null) {
            return false;
        }
        remove(key);
        return true;
    }

    /** Maps {@code key} to {@code value} only while it maps to {@code expected} (by identity); whether it did. */
    synchronized boolean replace(String key, Object expected, Object value) {
        Objects.requireNonNull(value, "value");
        if (tokenOf(key) != expected || expected == null) {
            return false;
        }
        put(key, value);
        return true;
    }

    /** The topics now (a copy). */
    synchronized List<String> keys() {
        if (more != null) {
            return List.copyOf(more.keySet());
        }
        return topic == null ? List.of() : List.of(topic);
    }

    private Object tokenOf(String key) {
        return more != null ? more.get(key) : key.equals(topic) ? token : null;
    }
}
