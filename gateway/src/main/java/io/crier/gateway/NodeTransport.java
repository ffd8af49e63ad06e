package io.crier.gateway;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket transport of a node: epoll when {@code server.transport} is {@code auto} or {@code epoll} and
 * the native library loads, NIO otherwise. Immutable; thread-safe.
 */
record NodeTransport(String name, Supplier<IoHandlerFactory> ioHandlers,
                     Class<? extends ServerChannel> serverChannel) {

    private static final Logger log = LoggerFactory.getLogger(NodeTransport.class);

    /** The transport for the configured {@code server.transport} value. */
    static NodeTransport choose(String configured) {
        boolean wantsEpoll = "auto".equals(configured) || "epoll".equals(configured);
        if (wantsEpoll && Epoll.isAvailable()) {
            return new NodeTransport("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class);
        }
        if ("epoll".equals(configured)) {
            log.warn("server.transport=epoll but epoll is not available ({}); using NIO",
                    String.valueOf(Epoll.unavailabilityCause()));
        }
        return new NodeTransport("nio", NioIoHandler::newFactory, NioServerSocketChannel.class);
    }

    /** A new event loop group of {@code threads} threads (0: Netty's default, twice the cores). */
    EventLoopGroup newGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix), ioHandlers.get());
    }
}
