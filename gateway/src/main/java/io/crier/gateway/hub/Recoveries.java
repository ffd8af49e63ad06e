package io.crier.gateway.hub;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.StoredPublication;
import io.crier.protocol.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The subscribe side of topics with history: reads a joining session's history, decides its reply
 * ({@code recovered}, position), holds the topic's publications for it meanwhile, and makes it live once the
 * reply is written: the replay, then the held publications after what the replay covered, then live
 * delivery. The session goes live only when the topic's cursor has reached the position its read saw, so that
 * no publication can reach it twice or out of order. Held publications are bounded by
 * {@code recovery.maxPublications}: a session over the bound is evicted (4006) and recovers on reconnect.
 *
 * <p>Thread-safe: every state change happens under the topic entry's lock; store reads, evictions and stage
 * completions run after it is released ({@link Effects}).
 */
final class Recoveries {

    private final HubHistory history;
    private final Fanout fanout;
    private final PushEncoder pushes;
    private final Membership membership;
    private final HubMeters meters;

    Recoveries(HubHistory history, Fanout fanout, PushEncoder pushes, Membership membership,
               HubMeters meters) {
        this.history = history;
        this.fanout = fanout;
        this.pushes = pushes;
        this.membership = membership;
        this.meters = meters;
    }

    /**
     * Reads the history {@code recovery} needs once {@code active} (the node's broker subscription) completes,
     * so that every publication after what the read sees reaches the hub; the read decides the returned stage.
     * A plain subscribe reads only the position. A failed broker subscription fails the stage. No lock held.
     */
    CompletionStage<Subscription> recover(Recovery recovery, CompletionStage<Void> active) {
        active.whenComplete((ignored, error) -> {
            if (error == null) {
                read(recovery);
            } else {
                recovery.result.completeExceptionally(error);
            }
        });
        return recovery.result;
    }

    private void read(Recovery recovery) {
        Position since = recovery.since;
        long after = since == null ? 0 : since.offset();
        int limit = since == null ? 0 : history.maxPublications();
        CompletionStage<HistorySlice> read;
        try {
            read = history.store().read(recovery.entry.topic(), after, limit, recovery.entry.history());
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        read.whenComplete((slice, error) -> answered(recovery, slice, error));
    }

    /** The reply was written: the session goes live as soon as the cursor allows. No lock held. */
    void activate(Recovery recovery) {
        TopicEntry entry = recovery.entry;
        Effects effects = new Effects();
        synchronized (entry) {
            if (entry.retired() || entry.recovery(recovery.subscriber) != recovery || !recovery.answered()) {
                return; // unsubscribed or evicted meanwhile, or called before the reply: nothing to do
            }
            recovery.activationRequested = true;
            goLiveIfReady(entry, recovery, effects);
        }
        effects.run();
    }

    /** Holds {@code publication} for every recovering member. Caller holds the entry's lock. */
    void hold(TopicEntry entry, Positioned publication, Effects effects) {
        for (Recovery recovery : entry.recoveries()) {
            if (recovery.held.size() >= history.maxPublications()) {
                evict(entry, recovery, effects); // the reply cannot be taken back: reconnecting recovers
                continue;
            }
            recovery.held.addLast(publication);
            if (recovery.answered() && !recovery.reached) {
                if (reaches(recovery.start, publication)) {
                    recovery.reached = true;
                } else if (!publication.epoch().equals(recovery.start.epoch())) {
                    evict(entry, recovery, effects); // the topic moved on to an epoch its read never saw
                }
            }
        }
    }

    /** Makes live every member whose reply is written and whose read the cursor has reached. Lock held. */
    void activatePending(TopicEntry entry, Effects effects) {
        for (Recovery recovery : entry.recoveries()) {
            if (recovery.activationRequested) {
                goLiveIfReady(entry, recovery, effects);
            }
        }
    }

    private void answered(Recovery recovery, HistorySlice slice, Throwable error) {
        TopicEntry entry = recovery.entry;
        Subscription subscription = null;
        Throwable failure = error;
        synchronized (entry) {
            try {
                if (failure == null) {
                    subscription = decide(recovery, slice);
                    startCursor(entry, recovery);
                }
            } catch (RuntimeException e) {
                // A store answer the protocol cannot carry (an invalid epoch): this subscribe fails.
                failure = e;
            }
            if (failure != null && entry.recovery(recovery.subscriber) == recovery) {
                membership.remove(entry, recovery.subscriber);
            }
        }
        if (failure == null) {
            recovery.result.complete(subscription);
        } else {
            recovery.result.completeExceptionally(unavailable(failure));
        }
    }

    /** Fills in the reply and the replay from the read. Caller holds the entry's lock. */
    private Subscription decide(Recovery recovery, HistorySlice slice) {
        Position now = new Position(slice.position().offset(), slice.position().epoch());
        Position since = recovery.since;
        boolean recovered = since != null && recoverable(since, now, slice);
        recovery.start = now;
        recovery.written = recovered ? since.offset() : now.offset();
        if (recovered) {
            List<Positioned> replay = new ArrayList<>(slice.publications().size());
            for (StoredPublication stored : slice.publications()) {
                replay.add(pushes.stored(recovery.entry.topic(), stored, now.epoch()));
            }
            recovery.replay = replay;
        }
        if (since != null) {
            meters.recovery(recovered);
        }
        return new Subscription(recovery.entry.topic(), recovered, now, recovery);
    }

    /**
     * Starts a topic's unknown cursor at what the read saw, and tells whether the cursor has already reached the
     * read's position, or a publication held meanwhile has (the first of an epoch, after a read that saw no
     * history: the cursor is then in that epoch, which the read never saw). Caller holds the entry's lock.
     */
    private void startCursor(TopicEntry entry, Recovery recovery) {
        TopicCursor cursor = entry.cursor();
        Position start = recovery.start;
        if (cursor.state() == TopicCursor.State.UNKNOWN) {
            cursor.startAt(start.offset(), start.epoch(), membership.outages());
        }
        recovery.reached = cursor.hasReached(start.epoch(), start.offset());
        for (Positioned held : recovery.held) {
            if (recovery.reached) {
                break;
            }
            recovery.reached = reaches(start, held);
        }
    }

    /**
     * Whether {@code publication} is at or past what a read that saw {@code start} covered: in the same epoch, at or
     * after its offset; in another, only as the first publication of a stream the read saw empty (offset 0), which
     * nothing can have come before.
     */
    private static boolean reaches(Position start, Positioned publication) {
        return publication.epoch().equals(start.epoch()) ? publication.offset() >= start.offset()
                : start.offset() == 0 && publication.offset() == 1;
    }

    /** Whether every publication after {@code since} up to {@code now} is in {@code slice}. */
    private boolean recoverable(Position since, Position now, HistorySlice slice) {
        long missed = now.offset() - since.offset();
        if (!slice.continues(since.epoch(), since.offset()) || !slice.complete() || missed < 0
                || missed > history.maxPublications() || slice.publications().size() != missed) {
            return false;
        }
        long expected = since.offset();
        for (StoredPublication stored : slice.publications()) {
            if (stored.offset() != ++expected) {
                return false;
            }
        }
        return true;
    }

    private void goLiveIfReady(TopicEntry entry, Recovery recovery, Effects effects) {
        if (entry.cursor().state() != TopicCursor.State.REPAIRING && recovery.reached) {
            goLive(entry, recovery, effects);
        }
    }

    /**
     * Writes the replay, then the held publications after what the replay covered (the sequence must go on
     * without a hole: one more in the same epoch, or offset 1 of an epoch the cursor accepted), then makes
     * the session live. Caller holds the entry's lock, so no live delivery to the session can come between.
     */
    private void goLive(TopicEntry entry, Recovery recovery, Effects effects) {
        String epoch = recovery.start.epoch();
        long written = recovery.written;
        for (Positioned publication : recovery.replay) {
            write(publication, recovery.subscriber);
            written = publication.offset();
        }
        for (Positioned publication : recovery.held) {
            boolean sameEpoch = publication.epoch().equals(epoch);
            if (sameEpoch && publication.offset() <= written) {
                continue; // the read already covered it
            }
            if (publication.offset() != (sameEpoch ? written + 1 : 1)) {
                evict(entry, recovery, effects);
                return;
            }
            write(publication, recovery.subscriber);
            epoch = publication.epoch();
            written = publication.offset();
        }
        entry.goLive(recovery.subscriber);
    }

    private void write(Positioned publication, Subscriber subscriber) {
        if (publication.push() != null) {
            fanout.deliver(publication.push(), List.of(subscriber));
            meters.deliveries.increment();
        }
    }

    private void evict(TopicEntry entry, Recovery recovery, Effects effects) {
        membership.remove(entry, recovery.subscriber);
        meters.evictions.increment();
        List<Subscriber> evicted = List.of(recovery.subscriber);
        effects.add(() -> history.evictor().evict(evicted));
    }

    private static Throwable unavailable(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof BrokerUnavailableException ? cause
                : new BrokerUnavailableException("history read failed", cause);
    }
}
