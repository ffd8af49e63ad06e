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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one encoded publication to many sessions: the push is copied once into one direct buffer, already
 * framed as one WebSocket text frame ({@link WebSocketFrames}), and every target gets a
 * duplicate of it ({@link WebSocketFrames#share}), so a publication costs one copy and one frame encoding per node, not one
 * per subscriber. Each session's write is {@link ChannelSubscriber#write}: it enters the pipeline where the
 * telemetry handler sits, past the handlers that would encode it again, and does their part for it. Sessions that
 * negotiated permessage-deflate share a second frame, the publication compressed once on this node ({@link
 * MessageDeflater}: every message the node sends is compressed on its own, so the same bytes suit them all), made
 * only when the targets include such a session and the push is at least {@code compression.minBytes}. The targets are grouped by event loop ({@link LoopBatches}) and the publication, one object for all
 * of them ({@link FanoutPublication}), is queued on each loop's {@link LoopQueue}: one task per loop drains whatever
 * publications are queued when it runs, writes each to that loop's sessions, and flushes each session once per
 * drain, so that publications arriving together share one task, one wake-up and one {@code writev} per session.
 * Handing thousands of single writes across threads, each a task of its own with a flush and a wake-up, is what
 * otherwise bounds a node's fan-out; under load, so does a task, a wake-up and a flush per publication.
 *
 * <p>No object is made per delivery: the frame is best allocated from a pooled allocator, whose {@code
 * retainedDuplicate()} recycles its duplicates on the loop that releases them (an unpooled or adaptive buffer
 * makes a new duplicate object per session); a frame the leak detector sampled shares its tracker with its
 * duplicates rather than tracking each with a stack trace ({@link WebSocketFrames#share}).
 *
 * <p>A target whose channel is not writable (its outbound bytes passed the high water mark,
 * {@code session.maxOutboundQueueBytes}) is disconnected as a {@link CloseCode#SLOW_CONSUMER} instead.
 * Since a write is only queued while the channel is writable, a session's queue can pass the limit by at
 * most one publication; the gauge {@link MeterCatalog#OUTBOUND_QUEUED_MAX} records the largest queue seen
 * right after a publication was queued, which shows that bound holds. Where the time goes, per stage (meters in
 * {@link MeterCatalog}): {@link MeterCatalog#FANOUT_HANDOFF} from the start of a fan-out here (on the broker thread,
 * right after the broker callback decoded it and encoded its push) until a loop starts writing it, once per drain;
 * {@link MeterCatalog#DELIVERY_LATENCY} until every loop has written it to its sessions (their flush follows in the
 * same drain); {@link MeterCatalog#FANOUT_DRAINS}, {@link MeterCatalog#FANOUT_DRAINED} and
 * {@link MeterCatalog#FANOUT_FLUSHES} show how far publications share tasks and flushes.
 *
 * <p>Thread-safe; called on broker threads. It never blocks. Each loop writes its queue in the order the
 * publications were handed over, so every session gets one topic's publications in order. Called on a loop (an
 * in-memory broker's publisher, a recovery's replay), the loop's sessions are written at once, unless publications
 * handed over before are still queued for that loop: then it queues behind them.
 */
public final class NettyFanout implements Fanout {

    private final ByteBufAllocator allocator;
    /** Compresses a publication once for the permessage-deflate sessions; null when the node does not compress. */
    private final MessageDeflater deflater;
    private final Disconnector disconnector;
    private final AtomicLong maxQueuedBytes = new AtomicLong();
    /**
     * The grouping of the last target list: a topic's snapshot is one immutable list, reused for each of its
     * publications until its members change, so a busy topic is grouped once, not once per publication.
     */
    private volatile Grouping lastGrouping;
    /** One queue per event loop, made on first use; a node has a fixed set of loops. */
    private final Map<EventLoop, LoopQueue> queues = new ConcurrentHashMap<>();
    private final Counter pushes;
    /** The bytes the shared frames took past the telemetry handler (it counts everything else), once per batch. */
    private final Counter bytesOut;
    private final Timer latency;
    private final Timer handoff;
    private final Counter drains;
    private final Counter drainedPublications;
    private final Counter flushes;
    private final Counter deflates;

    /** A fan-out of a node that does not compress; see {@link #NettyFanout(ByteBufAllocator, MessageDeflater, Disconnector, MeterRegistry)}. */
    public NettyFanout(ByteBufAllocator allocator, Disconnector disconnector, MeterRegistry meters) {
        this(allocator, null, disconnector, meters);
    }

    /**
     * A fan-out with the node's meters: {@link MeterCatalog#OUTBOUND_QUEUED_MAX}, {@link MeterCatalog#PUSHES_OUT}
     * ({@code type=fanout}), {@link MeterCatalog#DELIVERY_LATENCY} and {@link MeterCatalog#FANOUT_DEFLATES}.
     *
     * @param deflater the node's compressor of whole messages, for its permessage-deflate sessions; null when the
     *                 node does not compress
     */
    public NettyFanout(ByteBufAllocator allocator, MessageDeflater deflater, Disconnector disconnector,
                       MeterRegistry meters) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.deflater = deflater;
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
        MeterCatalog.OUTBOUND_QUEUED_MAX.gauge(meters, maxQueuedBytes, AtomicLong::get);
        this.pushes = MeterCatalog.PUSHES_OUT.counter(meters, "type", "fanout");
        this.bytesOut = MeterCatalog.BYTES_OUT.counter(meters);
        this.latency = MeterCatalog.DELIVERY_LATENCY.timer(meters);
        this.handoff = MeterCatalog.FANOUT_HANDOFF.timer(meters);
        this.drains = MeterCatalog.FANOUT_DRAINS.counter(meters);
        this.drainedPublications = MeterCatalog.FANOUT_DRAINED.counter(meters);
        this.flushes = MeterCatalog.FANOUT_FLUSHES.counter(meters);
        this.deflates = MeterCatalog.FANOUT_DEFLATES.counter(meters);
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
        Grouping grouping = grouped(targets);
        List<LoopBatches.Batch> batches = grouping.batches();
        ByteBuf frame = WebSocketFrames.text(allocator, encodedPush);
        ByteBuf deflated;
        try {
            deflated = deflater != null && grouping.anyCompressed() ? deflater.textFrame(allocator, encodedPush) : null;
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
        // One reference per loop, each released once that loop has written the frame.
        if (batches.size() > 1) {
            frame.retain(batches.size() - 1);
        }
        if (deflated != null) {
            deflates.increment();
            if (batches.size() > 1) {
                deflated.retain(batches.size() - 1);
            }
        }
        FanoutPublication publication = new FanoutPublication(frame, deflated, batches, startNanos);
        for (int i = 0, n = batches.size(); i < n; i++) {
            EventLoop loop = batches.get(i).loop();
            LoopQueue queue = queueOf(loop);
            if (loop.inEventLoop() && !queue.hasQueued()) {
                writeOnLoop(publication, loop, queue, false);
            } else {
                // Off the loop, or on it with publications handed over earlier still queued: behind them.
                queue.offer(publication);
            }
        }
    }

    /** The loop's queue; looked up first, so that no bound lambda is made per publication once it exists. */
    private LoopQueue queueOf(EventLoop loop) {
        LoopQueue queue = queues.get(loop);
        return queue != null ? queue : queues.computeIfAbsent(loop, made -> new LoopQueue(made, this));
    }

    private Grouping grouped(Collection<? extends Subscriber> targets) {
        Grouping last = lastGrouping;
        if (last != null && last.targets() == targets) {
            return last;
        }
        List<LoopBatches.Batch> batches = LoopBatches.group(targets);
        boolean anyCompressed = false;
        for (int i = 0, n = batches.size(); i < n && !anyCompressed; i++) {
            for (ChannelSubscriber target : batches.get(i).targets()) {
                if (target.compressed()) {
                    anyCompressed = true;
                    break;
                }
            }
        }
        Grouping grouping = new Grouping(targets, batches, anyCompressed);
        lastGrouping = grouping;
        return grouping;
    }

    /**
     * A target list (compared by identity), its batches, which nobody modifies once made, and whether any of its
     * sessions negotiated permessage-deflate (a session's choice never changes).
     */
    private record Grouping(Collection<? extends Subscriber> targets, List<LoopBatches.Batch> batches,
                            boolean anyCompressed) {
    }

    /**
     * On {@code loop}: writes {@code publication} to each of its sessions there and releases the loop's reference
     * to the frame. Each session is flushed at once, or, once more publications are queued behind this one
     * ({@code defer}, or queued while this one is being written), listed for the queue's flush at the end of its
     * drain: under a high rate, publications that arrive while a loop writes share its flushes.
     */
    void writeOnLoop(FanoutPublication publication, EventLoop loop, LoopQueue queue, boolean defer) {
        ByteBuf shared = publication.frame();
        ByteBuf deflated = publication.deflatedFrame();
        List<ChannelSubscriber> targets = publication.targetsOn(loop);
        long now = loop.ticker().nanoTime(); // once for every session of this loop: the heartbeat's write stamp
        int written = 0;
        int flushed = 0;
        long sentBytes = 0;
        try {
            for (int i = 0, n = targets.size(); i < n; i++) {
                ChannelSubscriber target = targets.get(i);
                long sent = write(deflated != null && target.compressed() ? deflated : shared, target, now);
                if (sent >= 0) {
                    // A publication queued meanwhile will write to these sessions too: leave the rest to share its flush.
                    defer = defer || queue.hasQueued();
                    if (defer) {
                        queue.written(target);
                    } else {
                        // Also flushes what earlier publications of the drain wrote to it.
                        target.clearFlushPending();
                        target.flush();
                        flushed++;
                    }
                    written++;
                    sentBytes += sent;
                }
            }
        } finally {
            pushes.increment(written);
            bytesOut.increment(sentBytes);
            if (flushed > 0) {
                flushes.increment(flushed);
            }
            shared.release();
            if (deflated != null) {
                deflated.release();
            }
            if (publication.loopDone()) {
                latency.record(System.nanoTime() - publication.startNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * On a loop, at the end of one drain of its queue: {@code publications} were written, the oldest of them handed
     * over at {@code oldestStartNanos}, and {@code flushed} sessions flushed after them.
     */
    void drained(long oldestStartNanos, int publications, int flushed) {
        if (publications > 0) {
            handoff.record(System.nanoTime() - oldestStartNanos, TimeUnit.NANOSECONDS);
            drains.increment();
            drainedPublications.increment(publications);
        }
        if (flushed > 0) {
            flushes.increment(flushed);
        }
    }

    /**
     * Writes to one session's channel ({@link ChannelSubscriber#write}); returns the bytes {@link
     * MeterCatalog#BYTES_OUT} has yet to count, or -1 when nothing was written.
     */
    private long write(ByteBuf shared, ChannelSubscriber target, long nowNanos) {
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
        long sent = target.write(shared, nowNanos);
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
