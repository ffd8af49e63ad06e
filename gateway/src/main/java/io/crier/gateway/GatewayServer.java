package io.crier.gateway;

import io.crier.cluster.Broker;
import io.crier.cluster.InMemoryBroker;
import io.crier.cluster.RedisBroker;
import io.crier.gateway.auth.DevTokenIssuer;
import io.crier.gateway.auth.JwtTokenVerifier;
import io.crier.gateway.auth.TokenVerifier;
import io.crier.gateway.config.AuthConfig;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.transport.ChannelSubscriber;
import io.crier.gateway.transport.Disconnector;
import io.crier.gateway.transport.EnvelopeCodecHandler;
import io.crier.gateway.transport.ExceptionHandler;
import io.crier.gateway.transport.GatewayChannelInitializer;
import io.crier.gateway.transport.HandshakeGuardHandler;
import io.crier.gateway.transport.HttpRoutesHandler;
import io.crier.gateway.transport.NettyFanout;
import io.crier.gateway.transport.Readiness;
import io.crier.gateway.transport.SessionFactory;
import io.crier.gateway.transport.SharedHandlers;
import io.crier.protocol.CloseCode;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.PublicationCodec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Crier node, wired by hand (the composition root): event loops, broker, codecs, token verifier, hub,
 * disconnector and the Netty server bound to {@code server.host:server.port}. {@link #drain()} stops it
 * gracefully; {@link #close()} releases everything.
 *
 * <p>Thread-safe. {@link #drain()} and {@link #close()} block; never call them from an event loop.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    private static final Duration DEV_TOKEN_TTL = Duration.ofHours(12);

    private final CrierConfig config;
    private final MeterRegistry meters;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Broker broker;
    private final Readiness readiness;
    private final Disconnector disconnector;
    private final ChannelGroup channels;
    private final Channel serverChannel;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GatewayServer(CrierConfig config, Clock clock, MeterRegistry meters, NodeTransport transport,
                          EventLoopGroup boss, EventLoopGroup workers) {
        this.config = config;
        this.meters = meters;
        this.boss = boss;
        this.workers = workers;
        EnvelopeCodec envelopes = new EnvelopeCodec(config.limits().maxDataBytes());
        this.broker = config.redis().enabled() ? new RedisBroker(config.redis()) : new InMemoryBroker();
        this.readiness = new Readiness(broker);
        this.disconnector = new Disconnector(envelopes, meters, Disconnector.CLOSE_TIMEOUT);
        this.channels = new DefaultChannelGroup("crier-connections", workers.next());
        Hub<ChannelSubscriber> hub = new Hub<>(broker, envelopes, new PublicationCodec(),
                new NettyFanout(ByteBufAllocator.DEFAULT, disconnector), workers.next(),
                config.hub().unsubscribeGrace(), meters);
        SessionFactory sessions = new SessionFactory(hub, nodeId(), config.session().maxTopics(),
                config.session().heartbeat());
        Gauge.builder("crier.connections", channels, ChannelGroup::size).register(meters);
        Gauge.builder("crier.sessions", sessions, SessionFactory::openSessions).register(meters);
        startBroker(hub);
        byte[] secret = secret(config.auth());
        TokenVerifier verifier = new JwtTokenVerifier(secret, clock);
        SharedHandlers shared = new SharedHandlers(
                new HttpRoutesHandler(config.server().wsPath(), readiness, devTokens(config.auth(), secret, clock)),
                new HandshakeGuardHandler(readiness, verifier, meters),
                new EnvelopeCodecHandler(envelopes, disconnector, meters),
                new ExceptionHandler(disconnector));
        this.serverChannel = bind(transport,
                new GatewayChannelInitializer(config, shared, verifier, sessions, disconnector, channels));
        log.info("node {} listening on {} ({} transport, {} broker)", nodeId(), baseUrl(), transport.name(),
                config.redis().enabled() ? "redis" : "in-memory");
    }

    /** Starts a node with the system clock and a fresh {@link SimpleMeterRegistry}. */
    public static GatewayServer start(CrierConfig config) {
        return start(config, Clock.systemUTC(), new SimpleMeterRegistry());
    }

    /**
     * Starts a node. A broker that cannot connect yet does not stop it: {@code /readyz} says 503 until the
     * broker is connected.
     *
     * @throws IllegalStateException when the port cannot be bound
     */
    public static GatewayServer start(CrierConfig config, Clock clock, MeterRegistry meters) {
        NodeTransport transport = NodeTransport.choose(config.server().transport());
        EventLoopGroup boss = transport.newGroup(1, "crier-accept");
        EventLoopGroup workers = transport.newGroup(0, "crier-io");
        try {
            return new GatewayServer(config, clock, meters, transport, boss, workers);
        } catch (RuntimeException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            throw e;
        }
    }

    /** The bound port (useful with {@code server.port=0}). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** This node's id, as sent in {@code welcome} pushes. */
    public String nodeId() {
        return config.node().id();
    }

    /** {@code http://host:port}, the base of the HTTP routes. */
    public String baseUrl() {
        String host = config.server().host();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** {@code ws://host:port/ws}, the WebSocket endpoint. */
    public String webSocketUrl() {
        return "ws" + baseUrl().substring("http".length()) + config.server().wsPath();
    }

    /** The node's meters. */
    public MeterRegistry meters() {
        return meters;
    }

    /**
     * Drains the node: {@code /readyz} turns 503 and new upgrades are refused with 503, every connection is
     * closed (sessions get a {@code disconnect} push and close code 4000, {@code reconnect: true}), and this
     * call waits until they are closed or {@code server.drainTimeout} has passed. Idempotent.
     */
    public void drain() {
        if (readiness.startDraining()) {
            log.info("node {} draining {} connections", nodeId(), channels.size());
        }
        for (Channel channel : channels) {
            disconnector.disconnect(channel, CloseCode.SHUTDOWN);
        }
        Duration timeout = config.server().drainTimeout();
        if (!channels.newCloseFuture().awaitUninterruptibly(timeout.toMillis())) {
            log.warn("node {}: {} connections still open after {}; closing them", nodeId(), channels.size(), timeout);
        }
    }

    /** Drains (unless done), then closes the server socket, the connections, the event loops and the broker. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        drain();
        serverChannel.close().awaitUninterruptibly();
        channels.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        broker.close();
        log.info("node {} stopped", nodeId());
    }

    private void startBroker(Hub<ChannelSubscriber> hub) {
        try {
            broker.start(hub).whenComplete((connected, error) -> {
                if (error != null) {
                    log.warn("broker not connected yet ({}); /readyz says 503 until it is", error.toString());
                }
            });
        } catch (RuntimeException e) {
            // The node still serves /healthz and reports not-ready, rather than refusing to start.
            log.warn("broker failed to start: {}", e.toString());
        }
    }

    private Channel bind(NodeTransport transport, GatewayChannelInitializer initializer) {
        int maxQueued = config.session().maxOutboundQueueBytes();
        ChannelFuture bound = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(maxQueued / 2, maxQueued))
                .childHandler(initializer)
                .bind(config.server().host(), config.server().port())
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            broker.close();
            throw new IllegalStateException("cannot listen on " + config.server().host() + ":"
                    + config.server().port() + ": " + bound.cause().getMessage(), bound.cause());
        }
        return bound.channel();
    }

    /** The configured secret, or in development mode a random one that lives as long as this node. */
    private static byte[] secret(AuthConfig auth) {
        if (!auth.devMode()) {
            return auth.hmacSecret().getBytes(StandardCharsets.UTF_8);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }

    private static DevTokenIssuer devTokens(AuthConfig auth, byte[] secret, Clock clock) {
        if (!auth.devMode()) {
            return null;
        }
        log.warn("development mode: no auth.hmacSecret configured, so any client can get a token from "
                + "GET /dev/token. Configure a secret (CRIER_AUTH_HMAC_SECRET) for anything but local tries.");
        return new DevTokenIssuer(secret, clock, DEV_TOKEN_TTL);
    }
}
