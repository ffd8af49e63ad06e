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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket transport of a node, from {@code server.transport}: {@code auto} and {@code epoll} take epoll,
 * {@code io_uring} takes io_uring, each when its native library loads here; a native transport that does not
 * load falls back (io_uring to epoll, epoll to NIO) with one warning naming why. Every channel of the node (the
 * listeners and the connections they accept, plain and TLS) is made by the groups and the server channel class
 * of the one transport chosen. Immutable; thread-safe.
 */
record NodeTransport(String name, Supplier<IoHandlerFactory> ioHandlers,
                     Class<? extends ServerChannel> serverChannel) {

    static final NodeTransport IO_URING =
            new NodeTransport("io_uring", IoUringIoHandler::newFactory, IoUringServerSocketChannel.class);
    static final NodeTransport EPOLL =
            new NodeTransport("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class);
    static final NodeTransport NIO = new NodeTransport("nio", NioIoHandler::newFactory, NioServerSocketChannel.class);

    private static final Logger log = LoggerFactory.getLogger(NodeTransport.class);

    /** The transport for the configured {@code server.transport} value, probing only the native ones it may use. */
    static NodeTransport choose(String configured) {
        return choose(configured, IoUring::unavailabilityCause, Epoll::unavailabilityCause);
    }

    /**
     * The transport for {@code configured}, given why io_uring and epoll do not load here (a {@code null} cause:
     * it loads). Each probe is asked only when its transport is wanted, so that a node on epoll never loads
     * io_uring's library. Logs one warning when the transport asked for by name is not the one returned.
     */
    static NodeTransport choose(String configured, Supplier<Throwable> ioUringProblem,
                                Supplier<Throwable> epollProblem) {
        String unavailable = "";
        if ("io_uring".equals(configured)) {
            Throwable problem = ioUringProblem.get();
            if (problem == null) {
                return IO_URING;
            }
            unavailable = "io_uring is not available (" + problem + ")";
        }
        if (!"nio".equals(configured)) {
            Throwable problem = epollProblem.get();
            if (problem == null) {
                warnFallback(configured, unavailable, EPOLL);
                return EPOLL;
            }
            unavailable += (unavailable.isEmpty() ? "epoll is not available (" : ", nor is epoll (") + problem + ")";
        }
        if (!"auto".equals(configured)) {
            warnFallback(configured, unavailable, NIO);
        }
        return NIO;
    }

    private static void warnFallback(String configured, String unavailable, NodeTransport chosen) {
        if (!unavailable.isEmpty()) {
            log.warn("server.transport={} but {}; using {}", configured, unavailable, chosen.name());
        }
    }

    /** A new event loop group of {@code threads} threads (0: Netty's default, twice the cores). */
    EventLoopGroup newGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix), ioHandlers.get());
    }
}
