package io.crier.cluster;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Who is subscribed to a topic, across the whole fleet. Each node adds and removes its own sessions, and
 * keeps them alive with {@link #refresh}: an entry that is not refreshed within the store's lease time
 * (because its node died) disappears on its own, within a bounded, documented time.
 *
 * <p>Implementations are thread-safe; stages complete on the store's threads.
 */
public interface PresenceStore extends AutoCloseable {

    /** Adds (or renews) {@code entry} on {@code topic}. */
    CompletionStage<Void> add(String topic, PresenceEntry entry);

    /** Removes session {@code sessionId} from {@code topic}. */
    CompletionStage<Void> remove(String topic, String sessionId);

    /** Renews the lease of every entry of {@code entries} on their topics (one call per node heartbeat). */
    CompletionStage<Void> refresh(List<TopicPresence> entries);

    /** The live entries of {@code topic}, at most {@code limit}. */
    CompletionStage<List<PresenceEntry>> list(String topic, int limit);

    /** The number of live sessions and distinct users on {@code topic}. */
    CompletionStage<PresenceCount> count(String topic);

    /** Releases resources. Idempotent. */
    @Override
    void close();

    /** One session on one topic, for {@link #refresh}. */
    record TopicPresence(String topic, PresenceEntry entry) {
    }
}
