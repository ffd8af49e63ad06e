package io.crier.gateway.transport;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides when an event loop's fan-out writes are flushed. While more fan-out tasks are queued on the loop
 * ({@link #queued}), a task only writes and lists its sessions here, and this flusher, queued behind those
 * tasks, flushes each listed session once: several publications share one {@code writev} per session, the
 * syscall being most of a delivery's cost. When no other fan-out task is queued, the task flushes each session
 * right after writing to it, while the session's state is still in the CPU's cache (writing to thousands of
 * sessions and flushing them afterwards misses the cache on every one). A session is listed once however many
 * publications it got ({@link ChannelSubscriber#markFlushPending}).
 *
 * <p>Thread-safe for {@link #queued()}'s counter, which broker threads raise; everything else is confined to
 * the loop.
 */
final class LoopFlusher implements Runnable {

    private final EventLoop loop;
    private List<ChannelSubscriber> pending = new ArrayList<>();
    private List<ChannelSubscriber> spare = new ArrayList<>();
    private boolean scheduled;
    /** Fan-out tasks handed to the loop and not yet started. */
    private final AtomicInteger queued = new AtomicInteger();

    LoopFlusher(EventLoop loop) {
        this.loop = loop;
    }

    /** Called before a fan-out task is handed to the loop. */
    void taskQueued() {
        queued.incrementAndGet();
    }

    /** Called as a queued fan-out task starts; whether others are still queued behind it (then defer flushes). */
    boolean taskStartedWithMoreQueued() {
        return queued.decrementAndGet() > 0;
    }

    /** For a fan-out written at once on the loop (not queued): whether queued tasks are waiting. */
    boolean moreQueued() {
        return queued.get() > 0;
    }

    /** After a write to {@code target}: it will be flushed when this loop has run the tasks queued so far. */
    void written(ChannelSubscriber target) {
        if (target.markFlushPending()) {
            pending.add(target);
        }
        if (!scheduled) {
            scheduled = true;
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        List<ChannelSubscriber> due = pending;
        pending = spare;
        for (ChannelSubscriber target : due) {
            target.clearFlushPending();
            target.flush();
        }
        due.clear();
        spare = due;
    }
}
