package io.crier.loadtest.jmh;

import io.crier.gateway.transport.ChannelSubscriber;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Fan-out targets on real loopback TCP sockets (epoll), as a node's sessions are: {@code count} connections whose
 * server ends, on {@code serverLoops} event loops, are the subscribers, and whose client ends, on one loop of their
 * own, add up and release every byte they read. Unlike {@link LocalTargets}, a write costs what it costs a node
 * (the outbound queue, {@code writev}, the kernel), and nothing per write is allocated by the channel itself.
 *
 * <p>Thread-safety: construction and {@link #close()} from one thread; {@link #subscribers()} is immutable and
 * {@link #awaitBytes} may be called from any thread.
 */
final class SocketTargets {

    private final EventLoopGroup servers;
    private final EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final Count count = new Count();
    private final List<ChannelSubscriber> subscribers;

    SocketTargets(int connections, int serverLoops) throws Exception {
        servers = new MultiThreadIoEventLoopGroup(serverLoops, EpollIoHandler.newFactory());
        BlockingQueue<Channel> accepted = new ArrayBlockingQueue<>(connections);
        Channel listener = new ServerBootstrap().group(servers).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        accepted.add(channel);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Bootstrap client = new Bootstrap().group(clients).channel(EpollSocketChannel.class).handler(count);
        List<ChannelSubscriber> connected = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            client.connect(listener.localAddress()).sync();
            Channel server = accepted.poll(10, TimeUnit.SECONDS);
            if (server == null) {
                throw new TimeoutException("connection " + i + " was not accepted within 10 s");
            }
            connected.add(new ChannelSubscriber("jmh-" + i, server));
        }
        listener.close().sync();
        this.subscribers = List.copyOf(connected);
    }

    /** The server ends, as the hub hands them to the fan-out. */
    List<ChannelSubscriber> subscribers() {
        return subscribers;
    }

    /** Bytes the clients have read so far. */
    long received() {
        return count.bytes.get();
    }

    /** Waits (parking, allocating nothing) until the clients have read {@code total} bytes since the start. */
    void awaitBytes(long total) throws TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count.bytes.get() < total) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("read " + count.bytes.get() + " of " + total + " bytes within 10 s");
            }
            LockSupport.parkNanos(20_000);
        }
    }

    /** Closes every connection and stops both groups. */
    void close() throws InterruptedException {
        servers.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        clients.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }

    /** Adds up and releases what the clients read. */
    @Sharable
    private static final class Count extends ChannelInboundHandlerAdapter {
        private final AtomicLong bytes = new AtomicLong();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf read = (ByteBuf) msg;
            bytes.addAndGet(read.readableBytes());
            read.release();
        }
    }
}
