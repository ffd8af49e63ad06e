package io.crier.gateway.transport;

import io.crier.cluster.BrokerState;
import io.crier.cluster.memory.InMemoryBroker;
import io.crier.gateway.auth.DevTokenIssuer;
import io.crier.gateway.auth.JwtTokenVerifier;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.auth.TokenVerifier;
import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.HubBuilder;
import io.crier.gateway.session.SessionPolicy;
import io.crier.protocol.EnvelopeCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real per-node parts of the transport, wired like {@code GatewayServer} wires them, for
 * {@code EmbeddedChannel} tests: config from {@link ConfigLoader}, an {@link InMemoryBroker}, the real hub,
 * verifier, disconnector and shared handlers. Not thread-safe; one per test.
 */
final class TestNode implements AutoCloseable {

    static final byte[] SECRET = TestTokens.secret();

    final CrierConfig config;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final InMemoryBroker broker = new InMemoryBroker();
    final EnvelopeCodec envelopes;
    final Disconnector disconnector;
    final Readiness readiness;
    final TokenVerifier verifier;
    final Hub hub;
    final SessionFactory sessions;
    final SharedHandlers shared;
    final NodeLimits limits;
    final ChannelGroup channels = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    private final DefaultEventLoop scheduler = new DefaultEventLoop();

    private TestNode(Map<String, String> env, boolean devMode) {
        Map<String, String> all = new HashMap<>();
        all.put("CRIER_NODE_ID", "test-node");
        if (!devMode) {
            all.put("CRIER_AUTH_HMAC_SECRET", new String(SECRET, StandardCharsets.UTF_8));
        }
        all.putAll(env);
        config = new ConfigLoader().load(null, all);
        envelopes = new EnvelopeCodec(config.limits().maxDataBytes());
        disconnector = new Disconnector(envelopes, meters, Duration.ofSeconds(3));
        readiness = new Readiness(() -> broker.state() == BrokerState.CONNECTED);
        verifier = new JwtTokenVerifier(SECRET, Clock.systemUTC());
        limits = new NodeLimits(config, disconnector, meters);
        hub = HubBuilder.on(broker).envelopes(envelopes)
                .fanout(new NettyFanout(ByteBufAllocator.DEFAULT, limits.messageDeflater(), disconnector,
                        new SimpleMeterRegistry()))
                .scheduler(scheduler).unsubscribeGrace(config.hub().unsubscribeGrace()).meters(meters).build();
        sessions = sessionFactory(SessionPolicy.of(config, verifier, Clock.systemUTC()));
        DevTokenIssuer devTokens = devMode ? new DevTokenIssuer(SECRET, Clock.systemUTC(), Duration.ofHours(1)) : null;
        shared = TestHandlers.shared(
                TestHandlers.routes(config.server().wsPath(), readiness, devTokens),
                new HandshakeGuardHandler(readiness, verifier, meters),
                new EnvelopeCodecHandler(envelopes, disconnector, meters),
                new ExceptionHandler(disconnector), null);
        broker.start(hub);
    }

    /** A session factory on this node's hub whose sessions do what {@code policy} says, with no presence. */
    SessionFactory sessionFactory(SessionPolicy policy) {
        return TestHandlers.sessions(hub, config.node().id(), policy, config.session().heartbeat());
    }

    /** A node with the test secret and the given {@code CRIER_*} overrides. */
    static TestNode create(Map<String, String> env) {
        return new TestNode(env, false);
    }

    /** A node with the test secret and the bundled defaults. */
    static TestNode create() {
        return create(Map.of());
    }

    GatewayChannelInitializer initializer() {
        return initializer(limits);
    }

    /** The initializer with other limits (for example with a manual clock for the command buckets). */
    GatewayChannelInitializer initializer(NodeLimits nodeLimits) {
        return new GatewayChannelInitializer(config, shared, verifier, sessions, disconnector, channels, nodeLimits);
    }

    /** A connection with the whole pipeline, before the upgrade. */
    EmbeddedChannel connection() {
        return new EmbeddedChannel(initializer());
    }

    /** A valid token for {@code user}, allowed every topic. */
    static String token(String user) {
        return TestTokens.hs256(SECRET, user, List.of("*"), List.of("*"), Duration.ofMinutes(5));
    }

    @Override
    public void close() {
        broker.close();
        scheduler.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
