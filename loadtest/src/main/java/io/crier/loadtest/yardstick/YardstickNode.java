package io.crier.loadtest.yardstick;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import io.crier.protocol.EnvelopeCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A running yardstick: the listening socket, the worker loops with their {@link TopicTable}s, the Redis link, and
 * what the session handlers share (codec, token verifier, session ids). Same socket options as the gateway
 * (backlog 1024, TCP_NODELAY, write watermark 512 KiB / 1 MiB, as {@code session.maxOutboundQueueBytes}).
 *
 * <p>Thread-safe.
 */
public final class YardstickNode implements AutoCloseable {

    private static final int MAX_QUEUED_BYTES = 1 << 20;

    private final String id;
    private final EnvelopeCodec codec = new EnvelopeCodec(32768);
    private final JWTVerifier verifier;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventLoopGroup redisLoop;
    private final Map<EventExecutor, TopicTable> tables = new HashMap<>();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong slowClosed = new AtomicLong();
    private final RedisFeedHandler feed;
    private final Channel server;

    private YardstickNode(String id, byte[] secret, String redisHost, int redisPort, String prefix, Listener listener)
            throws InterruptedException {
        this.id = id;
        this.verifier = JWT.require(Algorithm.HMAC256(secret)).acceptLeeway(5).build();
        YardstickTransport transport = listener.transport();
        this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("yardstick-accept"),
                transport.newIoHandlerFactory());
        this.workers = new MultiThreadIoEventLoopGroup(listener.threads(), new DefaultThreadFactory("yardstick-io"),
                transport.newIoHandlerFactory());
        // The Redis link stays on epoll, as the gateway's Lettuce does whatever its server.transport.
        boolean epoll = Epoll.isAvailable();
        Supplier<IoHandlerFactory> io = epoll ? EpollIoHandler::newFactory : NioIoHandler::newFactory;
        this.redisLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("yardstick-redis"), io.get());
        workers.forEach(loop -> tables.put(loop, new TopicTable(slowClosed)));
        this.feed = new RedisFeedHandler(prefix, tables);
        new Bootstrap().group(redisLoop).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new RedisDecoder(), new RedisBulkStringAggregator(),
                                new RedisArrayAggregator(), new RedisEncoder(), feed);
                    }
                }).connect(redisHost, redisPort).sync();
        this.server = new ServerBootstrap().group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(MAX_QUEUED_BYTES / 2, MAX_QUEUED_BYTES))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/ws").maxFramePayloadLength(65536).build()),
                                new YardstickSessionHandler(YardstickNode.this));
                    }
                }).bind("127.0.0.1", listener.port()).sync().channel();
    }

    /**
     * Where and how the yardstick listens.
     *
     * @param port      on 127.0.0.1; 0: any free port
     * @param threads   worker event loops; 0: Netty's default, twice the cores
     * @param transport of the listener and its connections
     */
    public record Listener(int port, int threads, YardstickTransport transport) {
    }

    /** Starts a yardstick listening as {@code listener} says, fed by Redis at host:port. */
    public static YardstickNode start(String id, byte[] secret, String redisHost, int redisPort, String prefix,
                                      Listener listener) throws InterruptedException {
        return new YardstickNode(id, secret, redisHost, redisPort, prefix, listener);
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections closed because they could not keep up (over the write watermark). */
    public long slowClosed() {
        return slowClosed.get();
    }

    String id() {
        return id;
    }

    EnvelopeCodec codec() {
        return codec;
    }

    JWTVerifier verifier() {
        return verifier;
    }

    RedisFeedHandler feed() {
        return feed;
    }

    TopicTable table(EventExecutor loop) {
        return tables.get(loop);
    }

    String nextSessionId() {
        return id + "-" + sessions.incrementAndGet();
    }

    /** Closes the listener and every loop, waiting a bounded time. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (EventLoopGroup group : new EventLoopGroup[] {boss, workers, redisLoop}) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }
}
