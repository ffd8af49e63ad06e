package io.crier.gateway.transport;

import io.crier.gateway.hub.Fanout;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.CloseCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one encoded publication to many sessions: the bytes are copied once into one direct buffer,
 * and every target gets a {@code retainedDuplicate()} of it, so a publication costs one copy per node, not
 * one per subscriber. A target whose channel is not writable (its outbound bytes passed the high water mark,
 * {@code session.maxOutboundQueueBytes}) is disconnected as a {@link CloseCode#SLOW_CONSUMER} instead.
 * Since a write is only queued while the channel is writable, a session's queue can pass the limit by at
 * most one publication; the gauge {@code crier.outbound.queued.max.bytes} records the largest queue seen
 * right after a publication was queued, which shows that bound holds. {@code crier.delivery.latency} times
 * each publication from the start of its fan-out here (on the broker thread, right after the broker callback
 * decoded it and encoded its push) until the socket write to the last session it went to completed.
 *
 * <p>Thread-safe; called on broker threads. It never blocks: writes are handed to each channel's event
 * loop by Netty.
 */
public final class NettyFanout implements Fanout<ChannelSubscriber> {

    private final ByteBufAllocator allocator;
    private final Disconnector disconnector;
    private final AtomicLong maxQueuedBytes = new AtomicLong();
    private final Counter pushes;
    private final Timer latency;

    /** A fan-out whose meters go to a registry of its own (for tests that do not read them). */
    public NettyFanout(ByteBufAllocator allocator, Disconnector disconnector) {
        this(allocator, disconnector, new SimpleMeterRegistry());
    }

    /**
     * A fan-out with the node's meters: {@code crier.outbound.queued.max.bytes}, {@code crier.pushes.out{type=fanout}}
     * and {@code crier.delivery.latency}.
     */
    public NettyFanout(ByteBufAllocator allocator, Disconnector disconnector, MeterRegistry meters) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
        MeterCatalog.OUTBOUND_QUEUED_MAX.gauge(meters, maxQueuedBytes, AtomicLong::get);
        this.pushes = MeterCatalog.PUSHES_OUT.counter(meters, "type", "fanout");
        this.latency = MeterCatalog.DELIVERY_LATENCY.timer(meters);
    }

    /** The largest outbound queue of one session seen right after a publication was queued, in bytes. */
    public long maxQueuedBytes() {
        return maxQueuedBytes.get();
    }

    @Override
    public void deliver(byte[] encodedPush, Collection<ChannelSubscriber> targets) {
        if (targets.isEmpty()) {
            return;
        }
        long startNanos = System.nanoTime();
        ByteBuf shared = allocator.directBuffer(encodedPush.length).writeBytes(encodedPush);
        ChannelFuture last = null;
        int written = 0;
        try {
            for (ChannelSubscriber target : targets) {
                ChannelFuture write = deliver(shared, target.channel());
                if (write != null) {
                    last = write;
                    written++;
                }
            }
        } finally {
            shared.release();
        }
        pushes.increment(written);
        if (last != null) {
            // One timing per publication, on the last write: the fan-out's latency, for the cost of one listener.
            last.addListener(done -> {
                if (done.isSuccess()) {
                    latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
                }
            });
        }
    }

    /** Writes to one channel; returns the write, or {@code null} when nothing was written. */
    private ChannelFuture deliver(ByteBuf shared, Channel channel) {
        if (!channel.isActive()) {
            return null;
        }
        if (!channel.isWritable()) {
            disconnector.disconnect(channel, CloseCode.SLOW_CONSUMER);
            return null;
        }
        // A failed write (the channel closed meanwhile) releases the duplicate; nothing else to undo.
        ChannelFuture write = channel.writeAndFlush(new TextWebSocketFrame(shared.retainedDuplicate()));
        observeQueue(channel);
        return write;
    }

    private void observeQueue(Channel channel) {
        // The outbound buffer's pending count is volatile and includes writes still waiting as event-loop
        // tasks, so reading it from this broker thread sees every byte queued for the channel.
        ChannelOutboundBuffer queue = channel.unsafe().outboundBuffer();
        if (queue != null) {
            maxQueuedBytes.accumulateAndGet(queue.totalPendingWriteBytes(), Math::max);
        }
    }
}
