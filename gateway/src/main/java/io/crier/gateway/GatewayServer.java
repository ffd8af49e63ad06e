package io.crier.gateway;

import io.crier.cluster.Broker;
import io.crier.cluster.HistoryStore;
import io.crier.cluster.InMemoryBroker;
import io.crier.cluster.InMemoryHistoryStore;
import io.crier.cluster.RedisBroker;
import io.crier.cluster.RedisHistoryStore;
import io.crier.gateway.auth.DevTokenIssuer;
import io.crier.gateway.auth.JwtTokenVerifier;
import io.crier.gateway.auth.TokenVerifierFactory;
import io.crier.gateway.config.AdminConfig;
import io.crier.gateway.config.AuthConfig;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.HubHistory;
import io.crier.gateway.presence.NodePresence;
import io.crier.gateway.publish.ApiKey;
import io.crier.gateway.publish.PublishService;
import io.crier.gateway.session.SessionPolicy;
import io.crier.gateway.transport.AdminRoutes;
import io.crier.gateway.transport.ChannelEvictor;
import io.crier.gateway.transport.ChannelSubscriber;
import io.crier.gateway.transport.Disconnector;
import io.crier.gateway.transport.EnvelopeCodecHandler;
import io.crier.gateway.transport.ExceptionHandler;
import io.crier.gateway.transport.GatewayChannelInitializer;
import io.crier.gateway.transport.HandshakeGuardHandler;
import io.crier.gateway.transport.HttpRoutesHandler;
import io.crier.gateway.transport.NettyFanout;
import io.crier.gateway.transport.NodeLimits;
import io.crier.gateway.transport.PublishApiEndpoint;
import io.crier.gateway.transport.Readiness;
import io.crier.gateway.transport.SessionDrain;
import io.crier.gateway.transport.SessionFactory;
import io.crier.gateway.transport.SharedHandlers;
import io.crier.gateway.transport.TlsContexts;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.PublicationCodec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Crier node, wired by hand (the composition root): event loops, broker, codecs, token verifier, hub,
 * disconnector and the Netty listeners: plain on {@code server.host:server.port} and/or TLS on
 * {@code tls.host:tls.port} ({@link Listeners}). {@link #drain()} stops it gracefully (paced by
 * {@link NodeDrain}); {@link #close()} releases everything.
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
    private final HistoryStore history;
    private final Readiness readiness;
    private final Disconnector disconnector;
    private final ChannelGroup channels;
    private final NodeDrain drains;
    private final Listeners listeners;
    private final JwtTokenVerifier verifier;
    private final NodePresence presence;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GatewayServer(CrierConfig config, Clock clock, MeterRegistry meters, NodeTransport transport,
                          EventLoopGroup boss, EventLoopGroup workers) {
        this.config = config;
        this.meters = meters;
        this.boss = boss;
        this.workers = workers;
        EnvelopeCodec envelopes = new EnvelopeCodec(config.limits().maxDataBytes());
        this.broker = config.redis().enabled() ? new RedisBroker(config.redis()) : new InMemoryBroker();
        this.history = historyStore(config, broker);
        this.readiness = new Readiness(broker);
        this.disconnector = new Disconnector(envelopes, meters, Disconnector.CLOSE_TIMEOUT);
        this.channels = new DefaultChannelGroup("crier-connections", workers.next());
        this.drains = new NodeDrain(config.node().id(), config.drain(), readiness,
                new SessionDrain(channels, disconnector), workers.next(), meters);
        Hub<ChannelSubscriber> hub = new Hub<>(broker, new HubHistory<>(history, config.namespaces(),
                config.recovery(), new ChannelEvictor(disconnector)), envelopes, new PublicationCodec(),
                new NettyFanout(ByteBufAllocator.DEFAULT, disconnector, meters), workers.next(),
                config.hub().unsubscribeGrace(), meters);
        Gauge.builder("crier.connections", channels, ChannelGroup::size).register(meters);
        byte[] secret = secret(config.auth());
        // Development mode keeps its random secret; otherwise every configured key source (may fetch the JWKS).
        // Built before the broker starts: a bad key file stops startup with nothing to clean up.
        this.verifier = config.auth().devMode() ? new JwtTokenVerifier(secret, clock, meters)
                : TokenVerifierFactory.create(config.auth(), clock, meters);
        // After the verifier: the presence store may open a Redis connection, which a bad key would leak.
        this.presence = new NodePresence(config, broker, workers.next(), clock, meters);
        hub.presenceEvents(presence.pushes(envelopes, hub::push));
        startBroker(hub);
        presence.start();
        SharedHandlers shared = new SharedHandlers(
                new HttpRoutesHandler(config.server().wsPath(), readiness, devTokens(config.auth(), secret, clock),
                        adminRoutes(config.admin(), meters)),
                new HandshakeGuardHandler(readiness, verifier, meters),
                new EnvelopeCodecHandler(envelopes, disconnector, meters),
                new ExceptionHandler(disconnector),
                publishApi(config, meters));
        SessionFactory sessions = new SessionFactory(hub, nodeId(), SessionPolicy.of(config, verifier, clock),
                config.session().heartbeat(), presence.tracker(), presence.query());
        Gauge.builder("crier.sessions", sessions, SessionFactory::openSessions).register(meters);
        this.listeners = listen(transport, clock,
                new GatewayChannelInitializer(config, shared, verifier, sessions, disconnector, channels,
                        new NodeLimits(config, disconnector, meters)));
        log.info("node {} listening on {} ({} transport, {} broker)", nodeId(), listening(), transport.name(),
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

    /**
     * The plain listener's bound port (useful with {@code server.port=0}).
     *
     * @throws IllegalStateException when {@code server.plainEnabled} is false
     */
    public int port() {
        return listeners.plainPort();
    }

    /**
     * The TLS listener's bound port (useful with {@code tls.port=0}).
     *
     * @throws IllegalStateException when {@code tls.enabled} is false
     */
    public int tlsPort() {
        return listeners.tlsPort();
    }

    /** Whether the plain (ws/http) listener runs. */
    public boolean plainEnabled() {
        return listeners.plainEnabled();
    }

    /** Whether the TLS (wss/https) listener runs. */
    public boolean tlsEnabled() {
        return listeners.tlsEnabled();
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

    /** {@code https://host:port}, the base of the HTTP routes on the TLS listener. */
    public String secureBaseUrl() {
        String host = config.tls().hostOr(config.server().host());
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + tlsPort();
    }

    /** {@code wss://host:port/ws}, the WebSocket endpoint on the TLS listener. */
    public String secureWebSocketUrl() {
        return "wss" + secureBaseUrl().substring("https".length()) + config.server().wsPath();
    }

    /** The node's meters. */
    public MeterRegistry meters() {
        return meters;
    }

    /**
     * Drains the node and waits until it is done: {@code /readyz} turns 503 and new upgrades are refused with
     * 503 at once, then the sessions get a {@code disconnect} push (close code 4000, {@code reconnect: true},
     * a random {@code reconnectDelayMs} hint up to {@code drain.reconnectDelayMax}), paced evenly over
     * {@code drain.window}; returns when the node is empty or the window has ended (what is left is then
     * closed at once). Idempotent; joins a drain the admin API started.
     */
    public void drain() {
        drains.start("shutdown");
        drains.await();
    }

    /**
     * Starts the drain of {@link #drain()} without waiting ({@code POST /admin/drain} calls this). Idempotent.
     *
     * @return completes when the node is empty or the window has ended
     */
    public CompletableFuture<Void> startDrain() {
        return drains.start("admin");
    }

    /** Completes when a drain (started by {@link #drain()} or {@link #startDrain()}) has ended. */
    public CompletableFuture<Void> drained() {
        return drains.done();
    }

    /** Drains (unless done), then closes the server socket, the connections, the event loops and the broker. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        drain();
        listeners.close();
        channels.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        presence.close();
        broker.close();
        history.close();
        verifier.close();
        log.info("node {} stopped", nodeId());
    }

    private void startBroker(Hub<ChannelSubscriber> hub) {
        if (history instanceof RedisHistoryStore redisHistory) {
            // Loads the Redis function library; until it is loaded, history topics answer unavailable.
            redisHistory.start().whenComplete((loaded, error) -> {
                if (error != null) {
                    log.warn("history store not ready yet ({}); it goes on retrying", error.toString());
                }
            });
        }
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

    /** Binds the plain and/or TLS listener, both with {@code initializer}'s pipeline. */
    private Listeners listen(NodeTransport transport, Clock clock, GatewayChannelInitializer initializer) {
        int maxQueued = config.session().maxOutboundQueueBytes();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(maxQueued / 2, maxQueued));
        try {
            TlsContexts tls = config.tls().enabled()
                    ? TlsContexts.start(config.tls(), config.server().handshakeTimeout(), clock, meters) : null;
            return Listeners.bind(bootstrap, config, initializer, tls);
        } catch (RuntimeException e) {
            presence.close();
            broker.close();
            history.close();
            verifier.close();
            throw e;
        }
    }

    /** The history store: Redis streams with the Redis broker, else in memory on the in-memory broker. */
    private static HistoryStore historyStore(CrierConfig config, Broker broker) {
        return broker instanceof InMemoryBroker local ? new InMemoryHistoryStore(local)
                : new RedisHistoryStore(config.redis());
    }

    /** What this node listens on, for the startup log. */
    private String listening() {
        String plain = listeners.plainEnabled() ? baseUrl() : "";
        String secure = listeners.tlsEnabled() ? secureBaseUrl() : "";
        return plain.isEmpty() || secure.isEmpty() ? plain + secure : plain + " and " + secure;
    }

    /** The admin API, or {@code null} when {@code admin.key} is empty: then its routes do not exist. */
    private AdminRoutes adminRoutes(AdminConfig admin, MeterRegistry meters) {
        return admin.enabled() ? new AdminRoutes(admin.keyBytes(), this::startDrain, meters) : null;
    }

    /** The HTTP publish API, or {@code null} when {@code api.key} is empty: then its route does not exist. */
    private PublishApiEndpoint publishApi(CrierConfig config, MeterRegistry meters) {
        if (!config.api().enabled()) {
            return null;
        }
        PublishService service = new PublishService(broker, history,
                topic -> config.namespaces().optionsFor(topic).historyOptions().orElse(null));
        return new PublishApiEndpoint(new ApiKey(config.api().keyBytes()), config.limits().maxDataBytes(),
                config.api().maxBatch(), service, meters);
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
        log.warn("development mode: no token key configured (auth.hmacSecret, auth.publicKeyFiles, auth.jwksUrl), "
                + "so any client can get a token from GET /dev/token. Configure a key for anything but local tries.");
        return new DevTokenIssuer(secret, clock, DEV_TOKEN_TTL);
    }
}
