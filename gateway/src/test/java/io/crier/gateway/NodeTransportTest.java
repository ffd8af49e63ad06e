package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Which transport a node runs on for each {@code server.transport}, and what it says when a native transport does
 * not load: the decision is fed the probes' answers (a cause, or none when the library loads), so that every
 * fallback is shown on a machine where both load; the real probes are used where they decide.
 */
class NodeTransportTest {

    private static final Supplier<Throwable> LOADS = () -> null;
    private static final Throwable NO_URING = new UnsupportedOperationException("io_uring_setup: Operation not permitted");
    private static final Throwable NO_EPOLL = new UnsatisfiedLinkError("no netty_transport_native_epoll");

    private final Logger logger = (Logger) LoggerFactory.getLogger(NodeTransport.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final List<String> probed = new ArrayList<>();

    @BeforeEach
    void listen() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(lines);
        lines.stop();
    }

    @Test
    void ioUringIsTakenWhenItLoadsWithoutAWordOrAProbeOfEpoll() {
        assertSame(NodeTransport.IO_URING, NodeTransport.choose("io_uring", probe("io_uring", null),
                probe("epoll", null)));
        assertEquals(List.of("io_uring"), probed);
        assertEquals(List.of(), warnings());
    }

    @Test
    void ioUringThatDoesNotLoadFallsBackToEpollNamingTheCause() {
        assertSame(NodeTransport.EPOLL, NodeTransport.choose("io_uring", () -> NO_URING, LOADS));
        assertEquals(List.of("server.transport=io_uring but io_uring is not available (" + NO_URING + "); using epoll"),
                warnings());
    }

    @Test
    void ioUringFallsBackToNioWhenEpollDoesNotLoadEither() {
        assertSame(NodeTransport.NIO, NodeTransport.choose("io_uring", () -> NO_URING, () -> NO_EPOLL));
        assertEquals(List.of("server.transport=io_uring but io_uring is not available (" + NO_URING + "), nor is epoll ("
                + NO_EPOLL + "); using nio"), warnings());
    }

    @Test
    void autoIsEpollAndNeverLoadsIoUring() {
        assertSame(NodeTransport.EPOLL, NodeTransport.choose("auto", probe("io_uring", null), probe("epoll", null)));
        assertEquals(List.of("epoll"), probed);
        assertSame(NodeTransport.NIO, NodeTransport.choose("auto", LOADS, () -> NO_EPOLL));
        assertEquals(List.of(), warnings(), "auto promises no native transport: NIO is no surprise");
    }

    @Test
    void epollThatDoesNotLoadFallsBackToNioNamingTheCause() {
        assertSame(NodeTransport.NIO, NodeTransport.choose("epoll", LOADS, () -> NO_EPOLL));
        assertEquals(List.of("server.transport=epoll but epoll is not available (" + NO_EPOLL + "); using nio"),
                warnings());
    }

    @Test
    void nioProbesNothing() {
        assertSame(NodeTransport.NIO, NodeTransport.choose("nio", probe("io_uring", NO_URING), probe("epoll", NO_EPOLL)));
        assertEquals(List.of(), probed);
        assertEquals(List.of(), warnings());
    }

    @Test
    void onThisMachineIoUringLoadsAndAcceptsAConnectionOrTheNodeSaysWhyNot() throws Exception {
        NodeTransport chosen = NodeTransport.choose("io_uring");
        if (IoUring.isAvailable()) {
            assertSame(NodeTransport.IO_URING, chosen);
            assertEquals(List.of(), warnings());
        } else {
            assertSame(Epoll.isAvailable() ? NodeTransport.EPOLL : NodeTransport.NIO, chosen);
            assertEquals(1, warnings().size(), "the fallback is named");
        }
        EventLoopGroup group = chosen.newGroup(1, "transport-test");
        try {
            BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
            Channel listener = new ServerBootstrap().group(group).channel(chosen.serverChannel())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            accepted.add(ctx.channel());
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) listener.localAddress()).getPort())) {
                Channel child = accepted.poll(10, TimeUnit.SECONDS);
                assertNotNull(child, "accepted");
                assertEquals(chosen.serverChannel().getSimpleName().replace("ServerSocketChannel", "SocketChannel"),
                        child.getClass().getSimpleName(), "the connection is the transport's own channel");
            }
            listener.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    private Supplier<Throwable> probe(String name, Throwable answer) {
        return () -> {
            probed.add(name);
            return answer;
        };
    }

    private List<String> warnings() {
        return lines.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
