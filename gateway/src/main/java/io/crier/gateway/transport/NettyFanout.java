package io.crier.gateway.transport;

import io.crier.gateway.hub.Fanout;
import io.crier.gateway.hub.Subscriber;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.CloseCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one encoded publication to many sessions: the push is copied once into one direct buffer, already
 * framed as one WebSocket text frame ({@link WebSocketFrames}), and every target gets a
 * {@code retainedDuplicate()} of it, so a publication costs one copy and one frame encoding per node, not one
 * per subscriber. Each session's write is {@link ChannelSubscriber#write}: it enters the pipeline where the
 * telemetry handler sits, past the handlers that would encode it again, and does their part for it (a session
 * that negotiated permessage-deflate gets a frame over the same payload bytes instead, for its pipeline to
 * compress). The targets are grouped by event loop ({@link LoopBatches}) and each loop gets <em>one</em> task per
 * publication, which writes to all of its channels and flushes each, or, when more publications are queued on
 * the loop, leaves the flush to the loop's {@link LoopFlusher}, so that publications arriving together share one.
 * Handing thousands of single writes across threads, each a task of its own with a flush and a wake-up, is what
 * otherwise bounds a node's fan-out.
 *
 * <p>A target whose channel is not writable (its outbound bytes passed the high water mark,
 * {@code session.maxOutboundQueueBytes}) is disconnected as a {@link CloseCode#SLOW_CONSUMER} instead.
 * Since a write is only queued while the channel is writable, a session's queue can pass the limit by at
 * most one publication; the gauge {@link MeterCatalog#OUTBOUND_QUEUED_MAX} records the largest queue seen
 * right after a publication was queued, which shows that bound holds. {@link MeterCatalog#DELIVERY_LATENCY} times
 * each publication from the start of its fan-out here (on the broker thread, right after the broker callback
 * decoded it and encoded its push) until every event loop has written it to its sessions (their flush follows
 * in the same turn of the loop).
 *
 * <p>Thread-safe; called on broker threads. It never blocks. Each loop's task runs in the order the
 * publications were handed over, so every session gets one topic's publications in order.
 */
public final class NettyFanout implements Fanout {

    private final ByteBufAllocator allocator;
    private final Disconnector disconnector;
    private final AtomicLong maxQueuedBytes = new AtomicLong();
    /**
     * The grouping of the last target list: a topic's snapshot is one immutable list, reused for each of its
     * publications until its members change, so a busy topic is grouped once, not once per publication.
     */
    private volatile Grouping lastGrouping;
    /** One flusher per event loop, made on first use; a node has a fixed set of loops. */
    private final Map<EventLoop, LoopFlusher> flushers = new ConcurrentHashMap<>();
    private final Counter pushes;
    /** The bytes the shared frames took past the telemetry handler (it counts everything else), once per batch. */
    private final Counter bytesOut;
    private final Timer latency;

    /**
     * A fan-out with the node's meters: {@link MeterCatalog#OUTBOUND_QUEUED_MAX}, {@link MeterCatalog#PUSHES_OUT}
     * ({@code type=fanout}) and {@link MeterCatalog#DELIVERY_LATENCY}.
     */
    public NettyFanout(ByteBufAllocator allocator, Disconnector disconnector, MeterRegistry meters) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
        MeterCatalog.OUTBOUND_QUEUED_MAX.gauge(meters, maxQueuedBytes, AtomicLong::get);
        this.pushes = MeterCatalog.PUSHES_OUT.counter(meters, "type", "fanout");
        this.bytesOut = MeterCatalog.BYTES_OUT.counter(meters);
        this.latency = MeterCatalog.DELIVERY_LATENCY.timer(meters);
    }

    /** The largest outbound queue of one session seen right after a publication was queued, in bytes. */
    public long maxQueuedBytes() {
        return maxQueuedBytes.get();
    }

    @Override
    public void deliver(byte[] encodedPush, Collection<? extends Subscriber> targets) {
        if (targets.isEmpty()) {
            return;
        }
        long startNanos = System.nanoTime();
        List<LoopBatches.Batch> batches = grouped(targets);
        AtomicInteger pending = new AtomicInteger(batches.size());
        ByteBuf shared = WebSocketFrames.text(allocator, encodedPush);
        try {
            for (LoopBatches.Batch batch : batches) {
                hand(batch, shared.retain(), () -> {
                    if (pending.decrementAndGet() == 0) {
                        latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
                    }
                });
            }
        } finally {
            shared.release();
        }
    }

    private List<LoopBatches.Batch> grouped(Collection<? extends Subscriber> targets) {
        Grouping last = lastGrouping;
        if (last != null && last.targets() == targets) {
            return last.batches();
        }
        List<LoopBatches.Batch> batches = LoopBatches.group(targets);
        lastGrouping = new Grouping(targets, batches);
        return batches;
    }

    /** A target list (compared by identity) and its batches, which nobody modifies once made. */
    private record Grouping(Collection<? extends Subscriber> targets, List<LoopBatches.Batch> batches) {
    }

    /** Runs the batch on its loop (at once when already there); {@code shared} is the batch's own reference. */
    private void hand(LoopBatches.Batch batch, ByteBuf shared, Runnable done) {
        EventLoop loop = batch.loop();
        LoopFlusher flusher = flushers.computeIfAbsent(loop, LoopFlusher::new);
        if (loop.inEventLoop()) {
            write(batch.targets(), shared, flusher, flusher.moreQueued(), done);
            return;
        }
        flusher.taskQueued();
        try {
            loop.execute(() -> write(batch.targets(), shared, flusher, flusher.taskStartedWithMoreQueued(), done));
        } catch (RejectedExecutionException e) {
            // The loop is shutting down with its channels: nothing to deliver to.
            flusher.taskStartedWithMoreQueued();
            shared.release();
        }
    }

    /**
     * On the channels' event loop: one write each, flushed at once, or by the loop's flusher when more
     * publications are queued behind this one ({@code defer}).
     */
    private void write(List<ChannelSubscriber> targets, ByteBuf shared, LoopFlusher flusher, boolean defer,
            Runnable done) {
        int written = 0;
        long sentBytes = 0;
        try {
            for (ChannelSubscriber target : targets) {
                long sent = write(shared, target);
                if (sent >= 0) {
                    if (defer || target.flushPending()) {
                        // Behind other publications, or a flush is already due: the flusher does it, once.
                        flusher.written(target);
                    } else {
                        target.flush();
                    }
                    written++;
                    sentBytes += sent;
                }
            }
        } finally {
            pushes.increment(written);
            bytesOut.increment(sentBytes);
            shared.release();
            done.run();
        }
    }

    /**
     * Writes to one session's channel ({@link ChannelSubscriber#write}); returns the bytes {@link
     * MeterCatalog#BYTES_OUT} has yet to count, or -1 when nothing was written.
     */
    private long write(ByteBuf shared, ChannelSubscriber target) {
        Channel channel = target.channel();
        if (!channel.isActive()) {
            return -1;
        }
        if (!channel.isWritable()) {
            disconnector.disconnect(channel, CloseCode.SLOW_CONSUMER);
            return -1;
        }
        // A failed write (the channel closed meanwhile) releases the duplicate and reaches the pipeline's
        // exception handler as a ClosedChannelException, which closes quietly: nothing else to undo.
        long sent = target.write(shared);
        if (sent >= 0) {
            observeQueue(channel);
        }
        return sent;
    }

    private void observeQueue(Channel channel) {
        ChannelOutboundBuffer queue = channel.unsafe().outboundBuffer();
        if (queue != null) {
            long pendingBytes = queue.totalPendingWriteBytes();
            if (pendingBytes > maxQueuedBytes.get()) {
                maxQueuedBytes.accumulateAndGet(pendingBytes, Math::max);
            }
        }
    }
}
