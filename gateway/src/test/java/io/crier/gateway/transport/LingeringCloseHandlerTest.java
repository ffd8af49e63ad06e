package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lingering close on real loopback sockets (an {@code EmbeddedChannel} cannot shut its output down): a server
 * that answers the first bytes with "bye" and closes, behind {@link LingeringCloseHandler}, on NIO and on io_uring
 * (where a flush only queues the writes: NIO again on a machine where io_uring does not load).
 */
class LingeringCloseHandlerTest {

    private static final byte[] BYE = "bye".getBytes(StandardCharsets.US_ASCII);

    private EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Class<? extends ServerChannel> serverChannel = NioServerSocketChannel.class;
    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    private Channel server;
    private boolean closeWithoutWaiting;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void theClientReadsTheLastBytesThenAnEndOfStreamWhileItKeepsSending() throws Exception {
        start(Duration.ofSeconds(30));
        try (Socket client = connect()) {
            Channel channel = sayHello(client);
            InputStream in = client.getInputStream();
            assertArrayEquals(BYE, in.readNBytes(BYE.length));
            assertEquals(-1, in.read(), "a FIN after the last byte, not a reset");
            OutputStream out = client.getOutputStream();
            for (int i = 0; i < 100; i++) {
                out.write(new byte[1024]);
            }
            out.flush();
            assertTrue(channel.isOpen(), "still reading and discarding what the client sends");
        }
    }

    @Test
    void theSocketIsClosedAsSoonAsTheClientClosesItsSide() throws Exception {
        start(Duration.ofSeconds(30));
        Channel channel;
        try (Socket client = connect()) {
            channel = sayHello(client);
            assertArrayEquals(BYE, client.getInputStream().readNBytes(BYE.length));
            assertEquals(-1, client.getInputStream().read());
        }
        assertTrue(channel.closeFuture().await(5, TimeUnit.SECONDS), "closed long before the 30 s linger");
    }

    @Test
    void eachConnectionLingersOnItsOwnThoughTheHandlerIsShared() throws Exception {
        start(Duration.ofSeconds(30));
        try (Socket staying = connect()) {
            Channel stays = sayHello(staying);
            assertArrayEquals(BYE, staying.getInputStream().readNBytes(BYE.length));
            Channel leaves;
            try (Socket leaving = connect()) {
                leaves = sayHello(leaving);
                assertArrayEquals(BYE, leaving.getInputStream().readNBytes(BYE.length));
                assertEquals(-1, leaving.getInputStream().read());
            }
            assertTrue(leaves.closeFuture().await(5, TimeUnit.SECONDS), "closed when its client closed");
            staying.getOutputStream().write(new byte[1024]);
            staying.getOutputStream().flush();
            assertEquals(-1, staying.getInputStream().read(), "a FIN after the last byte, not a reset");
            assertTrue(stays.isOpen(), "still lingering: the other connection's close is not its own");
        }
    }

    @Test
    void aClientThatNeverStopsSendingIsCutOffAfterTheLinger() throws Exception {
        start(Duration.ofMillis(300));
        try (Socket client = connect()) {
            Channel channel = sayHello(client);
            assertTrue(channel.closeFuture().await(10, TimeUnit.SECONDS), "closed once the linger was over");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean refused = false;
            while (!refused && System.nanoTime() < deadline) {
                try {
                    client.getOutputStream().write(new byte[1024]);
                } catch (IOException e) {
                    refused = true;
                }
            }
            assertTrue(refused, "the socket is gone: writes fail");
        }
    }

    @Test
    void onIoUringTheClientReadsTheLastBytesThenAnEndOfStream() throws Exception {
        onIoUring();
        theClientReadsTheLastBytesThenAnEndOfStreamWhileItKeepsSending();
    }

    @Test
    void aCloseRightAfterAWriteStillDeliversTheWriteBeforeTheEndOfStream() throws Exception {
        closeWithoutWaiting = true;
        theSocketIsClosedAsSoonAsTheClientClosesItsSide();
    }

    @Test
    void onIoUringACloseRightAfterAWriteStillDeliversTheWriteBeforeTheEndOfStream() throws Exception {
        onIoUring();
        closeWithoutWaiting = true;
        theSocketIsClosedAsSoonAsTheClientClosesItsSide();
    }

    @Test
    void noLingerClosesAtOnce() throws Exception {
        start(Duration.ZERO);
        try (Socket client = connect()) {
            Channel channel = sayHello(client);
            assertTrue(channel.closeFuture().await(5, TimeUnit.SECONDS));
        }
    }

    /** The server on io_uring, where it loads. */
    private void onIoUring() {
        if (IoUring.isAvailable()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
            serverChannel = IoUringServerSocketChannel.class;
        }
    }

    private void start(Duration linger) {
        // One handler for every connection, as the node has: what a connection's close needs is kept per connection.
        LingeringCloseHandler closeLinger = new LingeringCloseHandler(linger);
        server = new ServerBootstrap().group(group).channel(serverChannel)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(closeLinger, new SayByeAndClose());
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    /** Sends the server its first bytes; returns the server's side of the connection once it has answered. */
    private Channel sayHello(Socket client) throws Exception {
        client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        Channel channel = accepted.poll(5, TimeUnit.SECONDS);
        assertNotNull(channel);
        return channel;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort()),
                5000);
        socket.setSoTimeout(5000);
        return socket;
    }

    /**
     * Answers the first bytes with "bye" and closes, once the write is done or ({@code closeWithoutWaiting}) right
     * after it, as a handler that closes on a protocol error does; releases everything it reads.
     */
    private final class SayByeAndClose extends ChannelInboundHandlerAdapter {
        private boolean answered;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (!answered) {
                answered = true;
                accepted.add(ctx.channel());
                ByteBuf bye = Unpooled.wrappedBuffer(BYE);
                if (closeWithoutWaiting) {
                    ctx.writeAndFlush(bye);
                    ctx.channel().close();
                } else {
                    ctx.writeAndFlush(bye).addListener(written -> ctx.channel().close());
                }
            }
        }
    }
}
