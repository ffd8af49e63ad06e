package io.crier.loadtest.yardstick;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.function.Supplier;

/**
 * The transport of the yardstick's listener and the connections it accepts ({@code --transport}): {@code epoll},
 * the default (NIO where epoll does not load, as before), or {@code io_uring}, which must load: a benchmark that
 * quietly measured another transport than the one asked for would mislead. Its Redis link stays on the default
 * transport, as the gateway's Lettuce stays on epoll whatever {@code server.transport} says. Immutable.
 */
public enum YardstickTransport {
    EPOLL("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class),
    IO_URING("io_uring", IoUringIoHandler::newFactory, IoUringServerSocketChannel.class),
    NIO("nio", NioIoHandler::newFactory, NioServerSocketChannel.class);

    private final String label;
    private final Supplier<IoHandlerFactory> ioHandlers;
    private final Class<? extends ServerChannel> serverChannel;

    YardstickTransport(String label, Supplier<IoHandlerFactory> ioHandlers,
                       Class<? extends ServerChannel> serverChannel) {
        this.label = label;
        this.ioHandlers = ioHandlers;
        this.serverChannel = serverChannel;
    }

    /** epoll where it loads, else NIO: the transport of the yardstick's Redis link, and its listener's default. */
    public static YardstickTransport standard() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /**
     * The transport named by {@code --transport}.
     *
     * @throws IllegalArgumentException for another name, or {@code io_uring} where it does not load (with why)
     */
    public static YardstickTransport named(String name) {
        return switch (name) {
            case "epoll" -> standard();
            case "io_uring" -> {
                if (!IoUring.isAvailable()) {
                    throw new IllegalArgumentException("io_uring is not available: " + IoUring.unavailabilityCause());
                }
                yield IO_URING;
            }
            default -> throw new IllegalArgumentException("--transport must be epoll or io_uring, got " + name);
        };
    }

    /** The name {@code --transport} takes, and the ready line prints. */
    public String label() {
        return label;
    }

    IoHandlerFactory newIoHandlerFactory() {
        return ioHandlers.get();
    }

    Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }
}
