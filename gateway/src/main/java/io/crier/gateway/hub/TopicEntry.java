package io.crier.gateway.hub;

import io.crier.cluster.HistoryOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One topic's local subscribers and the state of the node's broker subscription to it, as the
 * {@link Hub} keeps them. Every field but {@link #snapshot} is guarded by the entry's monitor, which
 * orders the hub's decisions and broker calls for the topic. Once {@link #retired}, the entry is out of
 * the hub's map for good, and the next subscriber of the topic makes a new one. For a topic with history
 * it also holds the {@link TopicCursor} and the members still {@link #recovering}, who are members (they count
 * for the broker subscription) but not in the {@link #snapshot} until they go live.
 */
final class TopicEntry {

    final String topic;

    /** The topic's history bounds, or null when it keeps no history (then the fields below stay unused). */
    final HistoryOptions history;

    final TopicCursor cursor = new TopicCursor();

    /** Members that have not gone live yet: publications are held for them, not written. */
    final Map<Subscriber, Recovery> recovering = new HashMap<>();

    /**
     * Each local subscriber, mapped to the broker subscribe attempt it waits for, so that a failed
     * attempt removes the subscribers that joined it and no one else.
     */
    final Map<Subscriber, CompletableFuture<Void>> members = new HashMap<>();

    /**
     * An immutable copy of the live members, read without the lock by the broker thread for each publication of
     * a topic without history (one with history delivers under the lock); rebuilt by {@link #snapshot()} when
     * {@link #stale}.
     */
    private volatile List<Subscriber> snapshot = List.of();

    /**
     * The members changed since {@link #snapshot} was built. Marking it, rather than copying the members on every
     * change, keeps a burst of N subscribes O(N) instead of O(N squared): the copy is made once, by the next reader.
     */
    private volatile boolean stale;

    /** The latest broker subscribe attempt: pending, done, or failed (then the next subscriber retries). */
    CompletableFuture<Void> attempt;

    /** The scheduled unsubscribe after the grace period, while the entry has no members. */
    ScheduledFuture<?> pendingUnsubscribe;

    /** Bumped whenever a scheduled unsubscribe is made or cancelled, so a stale one does nothing. */
    long unsubscribeEpoch;

    /** Whether the broker unsubscribe was issued and the entry left the hub's map. */
    boolean retired;

    TopicEntry(String topic, HistoryOptions history) {
        this.topic = topic;
        this.history = history;
    }

    /** Called with the entry's monitor held, after the members or the recovering set changed. */
    void refreshSnapshot() {
        stale = true;
    }

    /** The live members: the last copy, or a new one when they changed since; safe without the lock. */
    List<Subscriber> snapshot() {
        if (!stale) {
            return snapshot;
        }
        synchronized (this) {
            if (stale) {
                snapshot = copyOfLiveMembers();
                stale = false;
            }
            return snapshot;
        }
    }

    private List<Subscriber> copyOfLiveMembers() {
        if (recovering.isEmpty()) {
            return List.copyOf(members.keySet());
        }
        List<Subscriber> live = new ArrayList<>(members.size());
        for (Subscriber member : members.keySet()) {
            if (!recovering.containsKey(member)) {
                live.add(member);
            }
        }
        return List.copyOf(live);
    }
}
