package io.crier.gateway.transport;

import io.crier.gateway.hub.Fanout;
import io.crier.protocol.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.Collection;
import java.util.Objects;

/**
 * Writes one encoded publication to many sessions: the bytes are copied once into one direct buffer,
 * and every target gets a {@code retainedDuplicate()} of it, so a publication costs one copy per node, not
 * one per subscriber. A target whose channel is not writable (its outbound bytes passed the high water mark,
 * {@code session.maxOutboundQueueBytes}) is disconnected as a {@link CloseCode#SLOW_CONSUMER} instead.
 *
 * <p>Thread-safe; called on broker threads. It never blocks: writes are handed to each channel's event
 * loop by Netty.
 */
public final class NettyFanout implements Fanout<ChannelSubscriber> {

    private final ByteBufAllocator allocator;
    private final Disconnector disconnector;

    public NettyFanout(ByteBufAllocator allocator, Disconnector disconnector) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
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
    }
}
