package io.crier.gateway.hub;

import io.crier.cluster.HistorySlice;
import io.crier.cluster.StoredPublication;
import io.crier.cluster.StreamPosition;
import io.crier.protocol.ChannelMessage;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sequences the publications of topics with history on this node, and repairs gaps, carrying out what each
 * topic's {@link TopicCursor} decides (its class comment has the rules): the next publication is delivered, a
 * duplicate dropped, and a gap (a publication lost on the broker) puts the topic in <b>repairing</b>: live
 * publications are held, the missing ones are read from history and dispatched in order, then the held ones.
 * When the broker link comes back, every such topic is repaired the same way, since Redis pub/sub drops what
 * is published while a node is away. Nobody is disconnected by a repair that succeeds. A gap with nobody to
 * repair for is not repaired: the cursor moves on.
 *
 * <p>After a publication of another epoch, the read says whether the new epoch continues the cursor's position
 * (the store forked the topic after a Redis failover or restart, and the cursor saw nothing that was lost), and
 * the repair then goes on in the new epoch.
 *
 * <p>When a gap cannot be filled (the epoch changed and does not continue the cursor's position, the history no
 * longer has the missing publications, more than {@code recovery.maxPublications} are missing or held, or reads
 * keep failing while the broker is connected), the topic's sessions are evicted with 4006
 * {@code insufficient_state}: their clients resubscribe with their last position.
 *
 * <p>Thread-safe: state changes happen under the topic entry's lock; deliveries of topics with history happen
 * under it too, so that a repair on a store thread and the broker thread never interleave their writes.
 */
final class GapRepair {

    /** How long after a failed repair read (with the broker connected) the next one starts. */
    static final Duration RETRY_DELAY = Duration.ofMillis(200);
    /** Failed repair reads in a row, with the broker connected, after which the topic's sessions are evicted. */
    static final int MAX_FAILED_READS = 10;

    private final HubHistory history;
    private final Fanout fanout;
    private final PushEncoder pushes;
    private final Recoveries recoveries;
    private final Membership membership;
    private final ScheduledExecutorService scheduler;
    private final HubMeters meters;

    GapRepair(HubHistory history, Fanout fanout, PushEncoder pushes, Recoveries recoveries,
              Membership membership, ScheduledExecutorService scheduler, HubMeters meters) {
        this.history = history;
        this.fanout = fanout;
        this.pushes = pushes;
        this.recoveries = recoveries;
        this.membership = membership;
        this.scheduler = scheduler;
        this.meters = meters;
    }

    /**
     * One publication with a position from the broker, for a topic with history: encoded before the lock is
     * taken, then sequenced under it. No lock held.
     */
    void onPublication(TopicEntry entry, ChannelMessage.Publication live) {
        Positioned publication = pushes.live(entry.topic(), live);
        Effects effects = new Effects();
        synchronized (entry) {
            if (!entry.retired()) {
                accept(entry, publication, effects);
            }
        }
        effects.run();
    }

    /** The broker link is back: repair every topic with history and local sessions. No lock held. */
    void onLinkRestored(Collection<TopicEntry> entries) {
        Effects effects = new Effects();
        for (TopicEntry entry : entries) {
            if (entry.history() == null) {
                continue;
            }
            synchronized (entry) {
                restore(entry, effects);
            }
        }
        effects.run();
    }

    private void restore(TopicEntry entry, Effects effects) {
        TopicCursor cursor = entry.cursor();
        if (entry.retired() || cursor.state() == TopicCursor.State.UNKNOWN) {
            return;
        }
        if (!entry.hasMembers()) {
            cursor.forget(); // nobody to repair for; the next subscriber's read sets it again
            return;
        }
        TopicCursor.RepairRead read = cursor.linkRestored();
        if (read != null) {
            startRead(entry, read, effects);
        }
    }

    /** Sequences one publication as the cursor places it. Caller holds the entry's lock. */
    private void accept(TopicEntry entry, Positioned publication, Effects effects) {
        TopicCursor cursor = entry.cursor();
        switch (cursor.place(publication, membership.outages())) {
            case NEXT -> dispatch(entry, publication, effects);
            case STALE -> meters.stalePublications.increment();
            case HOLD -> holdForRepair(entry, publication, effects);
            case GAP -> {
                if (!entry.hasMembers()) {
                    dispatch(entry, publication, effects); // nobody to repair for: the cursor moves on
                } else {
                    TopicCursor.RepairRead read = cursor.startRepair();
                    cursor.hold(publication);
                    startRead(entry, read, effects);
                }
            }
        }
    }

    /** Moves the cursor and delivers. Lock held. */
    private void dispatch(TopicEntry entry, Positioned publication, Effects effects) {
        entry.cursor().deliver(publication, membership.outages());
        deliver(entry, publication, effects);
    }

    /** Delivers a publication the cursor moved to: held for recovering members, written to live ones. Lock held. */
    private void deliver(TopicEntry entry, Positioned publication, Effects effects) {
        recoveries.hold(entry, publication, effects);
        List<Subscriber> targets = entry.snapshot();
        if (publication.push() != null && !targets.isEmpty()) {
            fanout.deliver(publication.push(), targets);
            meters.publications.increment();
            meters.deliveries.increment(targets.size());
        }
        recoveries.activatePending(entry, effects);
    }

    private void holdForRepair(TopicEntry entry, Positioned publication, Effects effects) {
        if (entry.cursor().heldCount() >= history.maxPublications()) {
            giveUp(entry, effects);
            accept(entry, publication, effects);
            return;
        }
        entry.cursor().hold(publication);
    }

    /** Schedules {@code read} of what follows the cursor, to run once the lock is released. Lock held. */
    private void startRead(TopicEntry entry, TopicCursor.RepairRead read, Effects effects) {
        effects.add(() -> read(entry, read));
    }

    private void read(TopicEntry entry, TopicCursor.RepairRead read) {
        CompletionStage<HistorySlice> slice;
        try {
            slice = history.store().read(entry.topic(), read.after(), history.maxPublications(), entry.history());
        } catch (RuntimeException e) {
            slice = CompletableFuture.failedFuture(e);
        }
        slice.whenComplete((answer, error) -> answered(entry, read, answer, error));
    }

    private void answered(TopicEntry entry, TopicCursor.RepairRead read, HistorySlice slice, Throwable error) {
        Effects effects = new Effects();
        synchronized (entry) {
            if (entry.retired() || !entry.cursor().readAnswered(read)) {
                return; // superseded: the topic was reset, or a newer read is awaited
            }
            if (error != null) {
                readFailed(entry, effects);
            } else if (fill(entry, read.after(), slice, effects)) {
                finish(entry, effects);
            } else {
                giveUp(entry, effects);
            }
        }
        effects.run();
    }

    /** Dispatches the missing publications if the slice has exactly all of them. Lock held. */
    private boolean fill(TopicEntry entry, long after, HistorySlice slice, Effects effects) {
        TopicCursor cursor = entry.cursor();
        StreamPosition now = slice.position();
        List<StoredPublication> read = slice.publications();
        long missing = now.offset() - after;
        if (!slice.continues(cursor.epoch(), after) || !slice.complete() || missing < 0
                || missing > history.maxPublications() || read.size() != missing) {
            return false;
        }
        for (int i = 0; i < read.size(); i++) {
            if (read.get(i).offset() != after + 1 + i) {
                return false;
            }
        }
        for (StoredPublication stored : read) {
            Positioned publication = pushes.stored(entry.topic(), stored, now.epoch());
            cursor.fill(publication, membership.outages());
            deliver(entry, publication, effects);
        }
        meters.repairedPublications.increment(missing);
        meters.repair(true);
        return true;
    }

    /** Leaves the repairing state and replays the held publications through the sequencer. Lock held. */
    private void finish(TopicEntry entry, Effects effects) {
        TopicCursor cursor = entry.cursor();
        TopicCursor.Repaired repaired = cursor.finishRepair();
        replay(entry, repaired.held(), effects); // a new gap starts a new repair, which holds the rest
        if (repaired.readAgain() && cursor.state() == TopicCursor.State.LIVE && entry.hasMembers()) {
            startRead(entry, cursor.startRepair(), effects);
        }
        recoveries.activatePending(entry, effects);
    }

    private void readFailed(TopicEntry entry, Effects effects) {
        if (!membership.linkUp()) {
            return; // stays repairing: the link's return starts a new read
        }
        if (entry.cursor().readFailed() >= MAX_FAILED_READS) {
            giveUp(entry, effects);
            return;
        }
        try {
            scheduler.schedule(() -> retry(entry), RETRY_DELAY.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The node is stopping: its sessions are closed anyway; evicting them is the honest answer.
            giveUp(entry, effects);
        }
    }

    private void retry(TopicEntry entry) {
        Effects effects = new Effects();
        synchronized (entry) {
            if (!entry.retired() && entry.cursor().stalled()) {
                startRead(entry, entry.cursor().retryRead(), effects);
            }
        }
        effects.run();
    }

    /**
     * The gap cannot be filled: evicts every session of the topic (live and recovering), then replays what the
     * repair held, from which the cursor starts again. Lock held.
     */
    private void giveUp(TopicEntry entry, Effects effects) {
        List<Subscriber> evicted = entry.members();
        for (Subscriber subscriber : evicted) {
            membership.remove(entry, subscriber);
        }
        meters.repair(false);
        meters.evictions.increment(evicted.size());
        if (!evicted.isEmpty()) {
            effects.add(() -> history.evictor().evict(evicted));
        }
        replay(entry, entry.cursor().abandonRepair(), effects);
        recoveries.activatePending(entry, effects);
    }

    private void replay(TopicEntry entry, List<Positioned> held, Effects effects) {
        for (Positioned publication : held) {
            accept(entry, publication, effects);
        }
    }
}
