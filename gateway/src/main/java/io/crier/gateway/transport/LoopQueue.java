package io.crier.gateway.transport;

import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One event loop's queue of publications to write, and when their writes are flushed. Broker threads
 * {@link #offer} publications; the first one offered while no drain is due hands the loop <em>one</em> task,
 * which writes every publication queued by the time it runs, in the order they were offered, including those
 * offered while it runs. A burst of publications so costs one task, one wake-up of the loop and one flush per
 * session, not one of each per publication.
 *
 * <p>Flushes: a publication with more queued behind it is only written, and its sessions are listed here
 * ({@link #written}); the last one of the drain is written and flushed session by session, while each session's
 * state is still in the CPU's cache (writing to thousands of sessions and flushing them afterwards misses the
 * cache on every one), which also flushes what the earlier ones wrote to it, until another publication is queued
 * meanwhile: its remaining sessions are then only listed, to be flushed with the next one. Sessions still listed
 * at the end of the drain (they were not among the last publication's) are flushed then. A session is listed once however many
 * publications it got ({@link ChannelSubscriber#markFlushPending}).
 *
 * <p>Thread-safe: {@link #offer} from any thread; everything else runs on the loop.
 */
final class LoopQueue implements Runnable {

    private final EventLoop loop;
    private final NettyFanout fanout;
    /** Multi-producer, single-consumer (this loop), linked in chunks: no node is made per publication. */
    private final Queue<FanoutPublication> queue = PlatformDependent.newMpscQueue();
    /** A drain task is handed to the loop and has not yet found the queue empty. */
    private final AtomicBoolean drainDue = new AtomicBoolean();
    /** Sessions written to and not flushed yet; on the loop only. */
    private final List<ChannelSubscriber> pending = new ArrayList<>();

    LoopQueue(EventLoop loop, NettyFanout fanout) {
        this.loop = loop;
        this.fanout = fanout;
    }

    /** Queues {@code publication} for this loop; it is written by the next drain. */
    void offer(FanoutPublication publication) {
        queue.offer(publication);
        if (!drainDue.get() && drainDue.compareAndSet(false, true)) {
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                // The loop is shutting down with its channels: nothing to deliver to. No drain runs (this
                // thread claimed it), so this thread may take the queue's single-consumer side.
                dropQueued();
            }
        }
    }

    /** Whether publications are queued for the next drain (then a write on the loop defers its flushes). */
    boolean hasQueued() {
        return !queue.isEmpty();
    }

    /** On the loop: {@code target} was written to and will be flushed by the end of the current or next drain. */
    void written(ChannelSubscriber target) {
        if (target.markFlushPending()) {
            pending.add(target);
        }
    }

    @Override
    public void run() {
        int drained = 0;
        long oldestStart = 0;
        do {
            FanoutPublication publication;
            while ((publication = queue.poll()) != null) {
                if (drained++ == 0) {
                    oldestStart = publication.startNanos();
                }
                fanout.writeOnLoop(publication, loop, this, !queue.isEmpty());
            }
            drainDue.set(false);
        } while (!queue.isEmpty() && drainDue.compareAndSet(false, true));
        fanout.drained(oldestStart, drained, flushPending());
    }

    /** Flushes each listed session still due; returns how many it flushed. */
    int flushPending() {
        int flushed = 0;
        for (int i = 0, n = pending.size(); i < n; i++) {
            ChannelSubscriber target = pending.get(i);
            if (target.flushPending()) {
                target.clearFlushPending();
                target.flush();
                flushed++;
            }
        }
        pending.clear();
        return flushed;
    }

    private void dropQueued() {
        FanoutPublication publication;
        while ((publication = queue.poll()) != null) {
            publication.frame().release();
        }
        drainDue.set(false);
    }
}
