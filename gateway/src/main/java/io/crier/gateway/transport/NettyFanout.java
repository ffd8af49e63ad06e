package io.crier.gateway.transport;

import io.crier.gateway.hub.Fanout;
import io.crier.protocol.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one encoded publication to many sessions: the bytes are copied once into one direct buffer,
 * and every target gets a {@code retainedDuplicate()} of it, so a publication costs one copy per node, not
 * one per subscriber. A target whose channel is not writable (its outbound bytes passed the high water mark,
 * {@code session.maxOutboundQueueBytes}) is disconnected as a {@link CloseCode#SLOW_CONSUMER} instead.
 * Since a write is only queued while the channel is writable, a session's queue can pass the limit by at
 * most one publication; the gauge {@code crier.outbound.queued.max.bytes} records the largest queue seen
 * right after a publication was queued, which shows that bound holds.
 *
 * <p>Thread-safe; called on broker threads. It never blocks: writes are handed to each channel's event
 * loop by Netty.
 */
public final class NettyFanout implements Fanout<ChannelSubscriber> {

    private final ByteBufAllocator allocator;
    private final Disconnector disconnector;
    private final AtomicLong maxQueuedBytes = new AtomicLong();

    public NettyFanout(ByteBufAllocator allocator, Disconnector disconnector) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
    }

    /** As {@link #NettyFanout(ByteBufAllocator, Disconnector)}, with the gauge {@code crier.outbound.queued.max.bytes}. */
    public NettyFanout(ByteBufAllocator allocator, Disconnector disconnector, MeterRegistry meters) {
        this(allocator, disconnector);
        Gauge.builder("crier.outbound.queued.max.bytes", maxQueuedBytes, AtomicLong::get)
                .description("The largest outbound queue of one session seen right after a publication was queued")
                .baseUnit("bytes")
                .register(meters);
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
        ByteBuf shared = allocator.directBuffer(encodedPush.length).writeBytes(encodedPush);
        try {
            for (ChannelSubscriber target : targets) {
                deliver(shared, target.channel());
            }
        } finally {
            shared.release();
        }
    }

    private void deliver(ByteBuf shared, Channel channel) {
        if (!channel.isActive()) {
            return;
        }
        if (!channel.isWritable()) {
            disconnector.disconnect(channel, CloseCode.SLOW_CONSUMER);
            return;
        }
        // A failed write (the channel closed meanwhile) releases the duplicate; nothing else to undo.
        channel.writeAndFlush(new TextWebSocketFrame(shared.retainedDuplicate()));
        observeQueue(channel);
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
