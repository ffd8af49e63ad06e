package io.crier.loadtest.jmh;

import io.crier.gateway.transport.ChannelSubscriber;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out targets without sockets, all on <em>one</em> event loop as a node's sessions share a few: {@code count}
 * in-JVM {@link LocalChannel} pairs, whose client ends are the subscribers and whose server ends count and release
 * every frame they receive. A write reaches the peer on the same loop inline, so once the loop has run the fan-out's
 * task every frame has been received and released.
 *
 * <p>Thread-safety: construction and {@link #close()} from one thread; {@link #subscribers()} is immutable and
 * {@link #awaitIdle()} may be called from any thread (the count is read on the loop).
 */
final class LocalTargets {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    private final EventLoop loop = group.next();
    private final Discard discard = new Discard();
    private final List<ChannelSubscriber> subscribers;

    LocalTargets(int count) throws InterruptedException {
        Channel server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(discard).bind(LocalAddress.ANY).sync().channel();
        Bootstrap client = new Bootstrap().group(group).channel(LocalChannel.class).handler(discard);
        List<ChannelSubscriber> connected = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            connected.add(new ChannelSubscriber("jmh-" + i, client.connect(server.localAddress()).sync().channel()));
        }
        this.subscribers = List.copyOf(connected);
    }

    /** The client ends, as the hub hands them to the fan-out. */
    List<ChannelSubscriber> subscribers() {
        return subscribers;
    }

    /** Waits until the loop has run every task handed to it so far; returns the frames received since the start. */
    long awaitIdle() throws Exception {
        return loop.submit(discard::received).get(10, TimeUnit.SECONDS);
    }

    /** Closes every channel (releasing what they hold) and stops the loop. */
    void close() throws InterruptedException {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }

    /** Counts and releases what a channel reads; only ever called on the one loop, hence the plain field. */
    @Sharable
    private static final class Discard extends ChannelInboundHandlerAdapter {
        private long received;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received++;
            ReferenceCountUtil.release(msg);
        }

        long received() {
            return received;
        }
    }
}
