package io.crier.gateway.hub;

import io.crier.cluster.HistoryOptions;
import io.crier.protocol.Position;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * One topic's local subscribers and the state of the node's broker subscription to it, as the
 * {@link Hub} keeps them. Every method but {@link #snapshot} and the final parts ({@link #topic},
 * {@link #history}, {@link #cursor}) needs the entry's monitor, which orders the hub's decisions and broker
 * calls for the topic. Once {@link #retired}, the entry is out of the hub's map for good, and the next
 * subscriber of the topic makes a new one. For a topic with history it also holds the {@link TopicCursor} and
 * the members still recovering, who are members (they count for the broker subscription) but not in the
 * {@link #snapshot} until they {@link #goLive}.
 */
final class TopicEntry {

    private final String topic;

    /** The topic's history bounds, or null when it keeps no history (then the cursor and recoveries stay unused). */
    private final HistoryOptions history;

    private final TopicCursor cursor = new TopicCursor();

    /** Members that have not gone live yet: publications are held for them, not written. */
    private final Map<Subscriber, Recovery> recovering = new HashMap<>();

    /**
     * Each local subscriber, mapped to the broker subscribe attempt it waits for, so that a failed
     * attempt removes the subscribers that joined it and no one else.
     */
    private final Map<Subscriber, CompletableFuture<Void>> members = new HashMap<>();

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
    private CompletableFuture<Void> attempt;

    /** The scheduled unsubscribe after the grace period, while the entry has no members. */
    private ScheduledFuture<?> pendingUnsubscribe;

    /** Bumped whenever a scheduled unsubscribe is made or cancelled, so a stale one does nothing. */
    private long unsubscribeTicket;

    /** Whether the broker unsubscribe was issued and the entry left the hub's map. */
    private boolean retired;

    TopicEntry(String topic, HistoryOptions history) {
        this.topic = topic;
        this.history = history;
    }

    String topic() {
        return topic;
    }

    /** The topic's history bounds, or null when it keeps no history. */
    HistoryOptions history() {
        return history;
    }

    /** Where the topic's publications stand on this node (topics with history). */
    TopicCursor cursor() {
        return cursor;
    }

    boolean retired() {
        return retired;
    }

    boolean hasMembers() {
        return !members.isEmpty();
    }

    /** A copy of every member, live or recovering. */
    List<Subscriber> members() {
        return List.copyOf(members.keySet());
    }

    /** The latest broker subscribe attempt, or a new one from {@code subscribe} when there is none or it failed. */
    CompletableFuture<Void> brokerAttempt(Supplier<CompletableFuture<Void>> subscribe) {
        if (attempt == null || attempt.isCompletedExceptionally()) {
            attempt = subscribe.get();
        }
        return attempt;
    }

    /**
     * Adds {@code subscriber}, waiting for {@code joined}; for a topic with history it joins held back, and its
     * {@link Recovery} from {@code since} is returned (else null).
     */
    Recovery join(Subscriber subscriber, CompletableFuture<Void> joined, Position since) {
        members.put(subscriber, joined);
        Recovery recovery = null;
        if (history != null) {
            recovery = new Recovery(this, subscriber, since);
            recovering.put(subscriber, recovery);
        }
        stale = true;
        return recovery;
    }

    /**
     * Removes {@code subscriber}, live or recovering, if it is a member (and joined {@code joined}, when given);
     * returns whether it was removed.
     */
    boolean remove(Subscriber subscriber, CompletableFuture<Void> joined) {
        CompletableFuture<Void> own = members.get(subscriber);
        if (own == null || (joined != null && own != joined)) {
            return false;
        }
        members.remove(subscriber);
        recovering.remove(subscriber);
        stale = true;
        return true;
    }

    /** The recovery of {@code subscriber}, or null when it is live or not a member. */
    Recovery recovery(Subscriber subscriber) {
        return recovering.get(subscriber);
    }

    /** A copy of the recoveries under way. */
    List<Recovery> recoveries() {
        return recovering.isEmpty() ? List.of() : List.copyOf(recovering.values());
    }

    /** {@code subscriber} has recovered: publications are written to it from now on. */
    void goLive(Subscriber subscriber) {
        recovering.remove(subscriber);
        stale = true;
    }

    /** Cancels the scheduled unsubscribe, if any, and makes any that is running do nothing. */
    void cancelUnsubscribe() {
        unsubscribeTicket++;
        if (pendingUnsubscribe != null) {
            pendingUnsubscribe.cancel(false);
            pendingUnsubscribe = null;
        }
    }

    /** A ticket for the unsubscribe about to be scheduled; a later schedule or cancel makes it stale. */
    long newUnsubscribeTicket() {
        return ++unsubscribeTicket;
    }

    /** Remembers the scheduled unsubscribe, so that a new member can cancel it. */
    void unsubscribeScheduled(ScheduledFuture<?> task) {
        pendingUnsubscribe = task;
    }

    /** Whether the unsubscribe with {@code ticket} is still due: the entry is in use by nobody since it was made. */
    boolean unsubscribeDue(long ticket) {
        return !retired && members.isEmpty() && unsubscribeTicket == ticket;
    }

    /** The broker unsubscribe is issued: the entry leaves the hub's map for good. */
    void retire() {
        retired = true;
        pendingUnsubscribe = null;
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
