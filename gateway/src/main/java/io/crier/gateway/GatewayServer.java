package io.crier.gateway;

import io.crier.cluster.Broker;
import io.crier.gateway.auth.JwtTokenVerifier;
import io.crier.gateway.auth.TokenVerifier;
import io.crier.gateway.config.AdminConfig;
import io.crier.gateway.fleet.CheckedTokenVerifier;
import io.crier.gateway.fleet.FleetActions;
import io.crier.gateway.fleet.FleetParts;
import io.crier.gateway.fleet.FleetReads;
import io.crier.gateway.fleet.LiveSession;
import io.crier.gateway.fleet.LocalActions;
import io.crier.gateway.fleet.RevocationCache;
import io.crier.gateway.fleet.SessionSubscriptions;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.HubHistory;
import io.crier.gateway.hub.HubWiring;
import io.crier.gateway.hub.PublishRoute;
import io.crier.gateway.nodes.ClusterView;
import io.crier.gateway.proxy.HookClient;
import io.crier.gateway.proxy.ProxyHooks;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.gateway.online.NodeOnline;
import io.crier.gateway.presence.NodePresence;
import io.crier.gateway.auth.BearerKey;
import io.crier.gateway.publish.PublishService;
import io.crier.gateway.session.SessionPolicy;
import io.crier.gateway.transport.AdminRoutes;
import io.crier.gateway.transport.ChannelEvictor;
import io.crier.gateway.transport.Disconnector;
import io.crier.gateway.transport.EnvelopeCodecHandler;
import io.crier.gateway.transport.EventsEndpoint;
import io.crier.gateway.transport.ExceptionHandler;
import io.crier.gateway.transport.GatewayChannelInitializer;
import io.crier.gateway.transport.HandshakeGuardHandler;
import io.crier.gateway.transport.HttpRoutesHandler;
import io.crier.gateway.transport.NettyFanout;
import io.crier.gateway.transport.NodesEndpoint;
import io.crier.gateway.transport.NodeLimits;
import io.crier.gateway.transport.PublishApiEndpoint;
import io.crier.gateway.transport.Readiness;
import io.crier.gateway.transport.SessionDrain;
import io.crier.gateway.transport.SessionFactory;
import io.crier.gateway.transport.SharedHandlers;
import io.crier.gateway.transport.TlsContexts;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.PublicationCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import java.time.Clock;
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

    private final CrierConfig config;
    private final MeterRegistry meters;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final NodeBackend backend;
    private final Readiness readiness;
    private final Disconnector disconnector;
    private final ChannelGroup channels;
    private final NodeDrain drains;
    private final Listeners listeners;
    private final JwtTokenVerifier verifier;
    private final NodePresence presence;
    private final NodeOnline online;
    private final ClusterView cluster;
    private final FleetActions fleet;
    private final NodeTelemetry telemetry;
    private final HookClient hooks;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GatewayServer(CrierConfig config, Clock clock, MeterRegistry meters, NodeTransport transport,
                          EventLoopGroup boss, EventLoopGroup workers) {
        this.config = config;
        this.meters = meters;
        this.boss = boss;
        this.workers = workers;
        EnvelopeCodec envelopes = new EnvelopeCodec(config.limits().maxDataBytes());
        this.backend = NodeBackend.of(config);
        Broker broker = backend.broker();
        // Ready once the backend is, and the revocations were loaded once (a node started after a revocation must not
        // take the revoked token first).
        this.readiness = new Readiness(() -> backend.ready() && fleetReady());
        this.disconnector = new Disconnector(envelopes, meters, Disconnector.CLOSE_TIMEOUT);
        this.channels = new DefaultChannelGroup("crier-connections", workers.next());
        this.telemetry = new NodeTelemetry(meters, channels);
        this.drains = new NodeDrain(config.node().id(), config.drain(), readiness,
                new SessionDrain(channels, disconnector), workers.next(), meters);
        NodeLimits limits = new NodeLimits(config, disconnector, meters);
        // The fan-out's frames are pooled: their duplicates, one per session, are recycled, not made per delivery.
        Hub hub = new Hub(new HubWiring(broker, envelopes, new PublicationCodec(),
                new NettyFanout(PooledByteBufAllocator.DEFAULT, limits.messageDeflater(), disconnector, meters),
                workers.next(), meters),
                new HubHistory(backend.history(), config.namespaces(), config.recovery(),
                        new ChannelEvictor(disconnector)),
                config.hub().unsubscribeGrace());
        // Built before the broker starts: a bad key file stops startup with nothing to clean up.
        NodeTokens tokens = new NodeTokens(config.auth(), clock, meters);
        this.verifier = tokens.verifier();
        // After the verifier: the presence store may open a Redis connection, which a bad key would leak.
        this.presence = new NodePresence(config, backend.link(), broker, workers.next(), clock, meters);
        hub.presenceEvents(presence.pushes(envelopes, hub::push));
        backend.start(telemetry.watch(broker, hub));
        presence.start();
        this.online = new NodeOnline(config.events(), backend.link(), config.node().id(), clock, meters);
        online.start(workers.next());
        this.cluster = new ClusterView(config, backend.link(), clock, meters);
        FleetParts fleetParts = FleetParts.of(nodeId(), config.fleet(), backend.link(), clock);
        RevocationCache revocations = new RevocationCache(fleetParts.store(), clock, meters);
        // Every connect (auth command, Bearer upgrade) and refresh is checked against the revocations.
        TokenVerifier checked = new CheckedTokenVerifier(verifier, revocations, meters);
        this.fleet = new FleetActions(fleetParts, new LocalActions(
                user -> limits.connections().attachments(user, LiveSession.class),
                () -> limits.connections().attachments(LiveSession.class), new SessionSubscriptions(), revocations,
                config.fleet().maxTokenLifetime(), clock, meters), revocations,
                new FleetReads(cluster, presence.store(), config.namespaces(), config.presence().maxList(),
                        hub::history), workers.next(), meters);
        SharedHandlers shared = new SharedHandlers(
                new HttpRoutesHandler(config.server().wsPath(), readiness, tokens.devTokens(clock),
                        adminRoutes(config.admin(), meters), telemetry.metricsEndpoint()),
                new HandshakeGuardHandler(readiness, checked, meters, config.proxy().headers()),
                new EnvelopeCodecHandler(envelopes, disconnector, meters),
                new ExceptionHandler(disconnector),
                publishApi(config, hub.publishRoute(), meters),
                telemetry.handler());
        SessionFactory sessions = new SessionFactory(hub, nodeId(), SessionPolicy.of(config, checked, clock),
                config.session().heartbeat(), presence.tracker(), presence.query(), online.sessions());
        MeterCatalog.SESSIONS.gauge(meters, sessions, SessionFactory::openSessions);
        this.hooks = new HookClient(config.proxy(), config.limits().maxDataBytes(), meters);
        sessions.useHooks(new ProxyHooks(config.proxy(), config.namespaces(), nodeId(), hooks));
        this.listeners = listen(transport, clock,
                new GatewayChannelInitializer(config, shared, checked, sessions, disconnector, channels, limits));
        log.info("node {} listening on {} ({} transport, {} broker)", nodeId(), listening(), transport.name(),
                backend.name());
        cluster.start(advertisedAddress(), sessions::openSessions, workers.next());
        // A drained node is leaving: it leaves the cluster view at once rather than when its process ends.
        drains.done().thenRun(cluster::withdraw);
    }

    /**
     * Starts a node with the system clock and a fresh {@link PrometheusMeterRegistry}, which
     * {@code GET /metrics} serves.
     */
    public static GatewayServer start(CrierConfig config) {
        return start(config, Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
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
     * Drains the node and waits until it is done: {@code /readyz} turns 503 at once, new upgrades are refused
     * with 503 after {@code drain.readinessDelay} (the load balancer's time to notice), then the sessions get a
     * {@code disconnect} push (close code 4000, {@code reconnect: true},
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

    /**
     * Drains (unless done) with no readiness delay, then closes the server socket, the connections, the event
     * loops and the broker. Behind a load balancer call {@link #drain()} first (SIGTERM does).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Stopping now: only drain() waits for a load balancer to notice /readyz, and it has run when one matters.
        drains.startAtOnce("shutdown");
        drains.await();
        cluster.close();
        listeners.close();
        fleet.close();
        // Not awaited: each close lingers (server.closeLinger) for clients that are still sending; the event loops'
        // shutdown below closes whatever is still lingering.
        channels.close();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        presence.close();
        online.close();
        backend.close();
        verifier.close();
        telemetry.close();
        hooks.close();
        log.info("node {} stopped", nodeId());
    }

    /** Whether the fleet actions were built and loaded the revocations once. */
    private boolean fleetReady() {
        FleetActions built = fleet;
        return built != null && built.ready();
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
            fleet.close();
            presence.close();
            online.close();
            cluster.close();
            backend.close();
            verifier.close();
            telemetry.close();
            hooks.close();
            throw e;
        }
    }

    /** What this node listens on, for the startup log. */
    private String listening() {
        String plain = listeners.plainEnabled() ? baseUrl() : "";
        String secure = listeners.tlsEnabled() ? secureBaseUrl() : "";
        return plain.isEmpty() || secure.isEmpty() ? plain + secure : plain + " and " + secure;
    }

    /** The admin API, or {@code null} when {@code admin.key} is empty: then its routes do not exist. */
    private AdminRoutes adminRoutes(AdminConfig admin, MeterRegistry meters) {
        return admin.enabled() ? new AdminRoutes(admin.keyBytes(), this::startDrain,
                new NodesEndpoint(cluster, meters), online.log().map(log -> new EventsEndpoint(log, meters)).orElse(null),
                meters) : null;
    }

    /** Where the cluster view says this node is: {@code node.advertiseAddress}, else a listener's host:port. */
    private String advertisedAddress() {
        if (!config.node().advertiseAddress().isEmpty()) {
            return config.node().advertiseAddress();
        }
        String base = listeners.plainEnabled() ? baseUrl() : secureBaseUrl();
        return base.substring(base.indexOf("://") + "://".length());
    }

    /**
     * The HTTP API (publish, and the server API's actions), or {@code null} when {@code api.key} is empty: then its
     * routes do not exist.
     */
    private PublishApiEndpoint publishApi(CrierConfig config, PublishRoute route, MeterRegistry meters) {
        if (!config.api().enabled()) {
            return null;
        }
        PublishService service = new PublishService(route);
        return new PublishApiEndpoint(new BearerKey(config.api().keyBytes()), config.limits().maxDataBytes(),
                config.api().maxBatch(), service, meters, fleet);
    }
}
