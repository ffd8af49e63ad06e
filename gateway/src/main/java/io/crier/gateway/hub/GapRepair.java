package io.crier.gateway.hub;

import io.crier.cluster.HistorySlice;
import io.crier.cluster.StoredPublication;
import io.crier.cluster.StreamPosition;
import io.crier.protocol.ChannelMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sequences the publications of topics with history on this node, and repairs gaps. Each publication must
 * follow the topic's {@link TopicCursor} by exactly one offset in its epoch: an older one is dropped as a
 * duplicate; a newer one (a publication lost on the broker) puts the topic in <b>repairing</b>: live
 * publications are held, the missing ones are read from history and dispatched in order, then the held ones.
 * When the broker link comes back, every such topic is repaired the same way, since Redis pub/sub drops what
 * is published while a node is away. Nobody is disconnected by a repair that succeeds.
 *
 * <p>A publication of another epoch is a gap too, unless it starts at offset 1 while the link stayed up (the
 * history expired on a quiet topic: nothing was missed): the read says whether the new epoch continues the
 * cursor's position (the store forked the topic after a Redis failover or restart, and the cursor saw nothing
 * that was lost), and the repair then goes on in the new epoch.
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
        if (entry.retired() || !cursor.known()) {
            return;
        }
        if (!entry.hasMembers()) {
            cursor.forget(); // nobody to repair for; the next subscriber's read sets it again
            return;
        }
        cursor.failedReads = 0;
        if (cursor.repairing && cursor.awaitedRead != 0) {
            cursor.repairAgain = true; // that read may predate the outage's end
            return;
        }
        cursor.repairing = true;
        startRead(entry, effects);
    }

    /** Caller holds the entry's lock. */
    private void accept(TopicEntry entry, Positioned publication, Effects effects) {
        TopicCursor cursor = entry.cursor();
        if (cursor.repairing) {
            holdForRepair(entry, publication, effects);
        } else if (!cursor.known()) {
            dispatch(entry, publication, effects);
        } else if (!publication.epoch().equals(cursor.epoch)) {
            epochChanged(entry, publication, effects);
        } else if (publication.offset() <= cursor.offset) {
            meters.stalePublications.increment();
        } else if (publication.offset() == cursor.offset + 1 || !entry.hasMembers()) {
            dispatch(entry, publication, effects);
        } else {
            cursor.repairing = true;
            cursor.held.addLast(publication);
            startRead(entry, effects);
        }
    }

    private void epochChanged(TopicEntry entry, Positioned publication, Effects effects) {
        TopicCursor cursor = entry.cursor();
        boolean linkStayedUp = cursor.outages == membership.outages();
        if (publication.offset() == 1 && linkStayedUp || !entry.hasMembers()) {
            dispatch(entry, publication, effects);
            return;
        }
        // History was lost, or the store forked the topic (a Redis failover or restart): the read tells whether
        // the new epoch continues the cursor's position, or what the sessions missed cannot be read back.
        cursor.repairing = true;
        cursor.held.addLast(publication);
        startRead(entry, effects);
    }

    /** Moves the cursor and delivers: held for recovering members, written to live ones. Lock held. */
    private void dispatch(TopicEntry entry, Positioned publication, Effects effects) {
        entry.cursor().moveTo(publication, membership.outages());
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
        if (entry.cursor().held.size() >= history.maxPublications()) {
            fail(entry, effects);
            finish(entry, effects);
            accept(entry, publication, effects);
            return;
        }
        entry.cursor().held.addLast(publication);
    }

    /** Schedules the read of what follows the cursor, to run once the lock is released. Lock held. */
    private void startRead(TopicEntry entry, Effects effects) {
        TopicCursor cursor = entry.cursor();
        long id = cursor.newRead();
        long after = cursor.offset;
        effects.add(() -> read(entry, id, after));
    }

    private void read(TopicEntry entry, long id, long after) {
        CompletionStage<HistorySlice> read;
        try {
            read = history.store().read(entry.topic(), after, history.maxPublications(), entry.history());
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        read.whenComplete((slice, error) -> answered(entry, id, after, slice, error));
    }

    private void answered(TopicEntry entry, long id, long after, HistorySlice slice, Throwable error) {
        Effects effects = new Effects();
        synchronized (entry) {
            TopicCursor cursor = entry.cursor();
            if (entry.retired() || cursor.awaitedRead != id) {
                return; // superseded: the topic was reset, or a newer read is awaited
            }
            cursor.awaitedRead = 0;
            if (error != null) {
                readFailed(entry, effects);
            } else if (fill(entry, after, slice, effects)) {
                finish(entry, effects);
            } else {
                fail(entry, effects);
                finish(entry, effects);
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
        if (!slice.continues(cursor.epoch, after) || !slice.complete() || missing < 0
                || missing > history.maxPublications() || read.size() != missing) {
            return false;
        }
        for (int i = 0; i < read.size(); i++) {
            if (read.get(i).offset() != after + 1 + i) {
                return false;
            }
        }
        for (StoredPublication stored : read) {
            dispatch(entry, pushes.stored(entry.topic(), stored, now.epoch()), effects);
        }
        meters.repairedPublications.increment(missing);
        meters.repair(true);
        return true;
    }

    /** Leaves the repairing state and replays the held publications through the sequencer. Lock held. */
    private void finish(TopicEntry entry, Effects effects) {
        TopicCursor cursor = entry.cursor();
        cursor.repairing = false;
        cursor.failedReads = 0;
        boolean again = cursor.repairAgain;
        cursor.repairAgain = false;
        List<Positioned> held = new ArrayList<>(cursor.held);
        cursor.held.clear();
        for (Positioned publication : held) {
            accept(entry, publication, effects); // a new gap starts a new repair, which holds the rest
        }
        if (again && !cursor.repairing && cursor.known() && entry.hasMembers()) {
            cursor.repairing = true;
            startRead(entry, effects);
        }
        recoveries.activatePending(entry, effects);
    }

    private void readFailed(TopicEntry entry, Effects effects) {
        TopicCursor cursor = entry.cursor();
        if (!membership.linkUp()) {
            return; // stays repairing: the link's return starts a new read
        }
        if (++cursor.failedReads >= MAX_FAILED_READS) {
            fail(entry, effects);
            finish(entry, effects);
            return;
        }
        try {
            scheduler.schedule(() -> retry(entry), RETRY_DELAY.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The node is stopping: its sessions are closed anyway; evicting them is the honest answer.
            fail(entry, effects);
            finish(entry, effects);
        }
    }

    private void retry(TopicEntry entry) {
        Effects effects = new Effects();
        synchronized (entry) {
            TopicCursor cursor = entry.cursor();
            if (!entry.retired() && cursor.repairing && cursor.awaitedRead == 0) {
                startRead(entry, effects);
            }
        }
        effects.run();
    }

    /**
     * Evicts every session of the topic (live and recovering) and forgets the cursor; what is held for the
     * repair stays, to be replayed by {@link #finish} for the cursor's next start. Lock held.
     */
    private void fail(TopicEntry entry, Effects effects) {
        List<Subscriber> evicted = entry.members();
        for (Subscriber subscriber : evicted) {
            membership.remove(entry, subscriber);
        }
        List<Positioned> held = new ArrayList<>(entry.cursor().held);
        entry.cursor().forget();
        entry.cursor().held.addAll(held);
        meters.repair(false);
        meters.evictions.increment(evicted.size());
        if (!evicted.isEmpty()) {
            effects.add(() -> history.evictor().evict(evicted));
        }
    }
}
