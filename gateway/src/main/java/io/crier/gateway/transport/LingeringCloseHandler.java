package io.crier.gateway.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection the way a well-behaved server does, so that a client that is still sending sees what it is
 * owed (the {@code disconnect} push and the close frame, or the HTTP status) instead of a TCP reset: a socket
 * closed with unread input makes the kernel answer with RST, which can destroy the last bytes in flight, and which
 * makes a sending client's next write fail before it has read them. On every close of an open connection it flushes
 * what is written, shuts the output down once that has left (the client reads a FIN after the last byte, on every
 * transport: io_uring writes after the flush returns), then reads and discards whatever still arrives, until the
 * client closes its side or {@code server.closeLinger} has passed, and only then closes the socket. A second close
 * while lingering completes with the real one.
 *
 * <p>First in the pipeline, so that it sees the close after every other handler (TLS sends its close_notify
 * before) and the input before any of them. A {@code linger} of zero, or a channel that cannot shut down its
 * output alone, closes at once.
 *
 * <p>One per node, {@link ChannelHandler.Sharable}: a connection's one bit of state (whether it lingers) is kept by its
 * {@link Connection} (24 bytes less per connection than a handler of its own); each call runs on the channel's event
 * loop.
 */
@ChannelHandler.Sharable
final class LingeringCloseHandler extends ChannelDuplexHandler {

    private final long lingerNanos;

    LingeringCloseHandler(Duration linger) {
        this.lingerNanos = linger.toNanos();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (Connection.of(ctx.channel()).lingering()) {
            // The connection is closing: what the client still sends is read only so that the kernel does not reset.
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!Connection.of(ctx.channel()).lingering()) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        Channel channel = ctx.channel();
        Connection connection = Connection.of(channel);
        if (connection.lingering()) {
            channel.closeFuture().addListener(closed -> promise.trySuccess());
            return;
        }
        if (lingerNanos == 0 || !(channel instanceof DuplexChannel duplex) || !channel.isActive()
                || duplex.isOutputShutdown()) {
            ctx.close(promise);
            return;
        }
        connection.startLingering();
        // The caller's promise completes with the real close, however it comes (the client's FIN, the deadline, a
        // failed shutdown); the closes below carry promises of their own, so that it is never completed twice.
        channel.closeFuture().addListener(closed -> promise.trySuccess());
        // The output is shut down once everything written before the close has left, which an empty write marks:
        // on io_uring a flush only queues the writes, and a shutdown issued now would overtake them (the client would
        // read a FIN without its last bytes). A peer that does not read keeps it waiting until the deadline below.
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (!written.isSuccess()) {
                ctx.close();
                return;
            }
            duplex.shutdownOutput().addListener(shut -> {
                if (!shut.isSuccess()) {
                    ctx.close();
                }
            });
        });
        var deadline = ctx.executor().schedule(() -> {
            ctx.close();
        }, lingerNanos, TimeUnit.NANOSECONDS);
        channel.closeFuture().addListener(closed -> deadline.cancel(false));
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }
}
