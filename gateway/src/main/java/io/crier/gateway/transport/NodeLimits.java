package io.crier.gateway.transport;

import io.crier.gateway.config.AddressRange;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.limits.CommandRateLimiter;
import io.crier.gateway.limits.ConnectionLimiter;
import io.crier.gateway.limits.OriginPolicy;
import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The abuse limits of one node, on the transport side: it holds what all connections share (the origin
 * policy, the connection counters, the compression handshaker, the meters) and makes each connection's
 * limit handlers. {@link GatewayChannelInitializer} asks it for them; the decisions themselves live in the
 * plain-Java {@code io.crier.gateway.limits} package.
 *
 * <p>Meters: those of {@link LimitMeters} and {@link UpgradeAdmissionHandler}, and the gauges
 * {@link MeterCatalog#LIMITS_CONNECTIONS}, {@link MeterCatalog#LIMITS_IPS} and {@link MeterCatalog#LIMITS_USERS}.
 *
 * <p>Thread-safe; one instance per node.
 */
public final class NodeLimits {

    private final CrierConfig config;
    private final Disconnector disconnector;
    /** What every session's command bucket shares. */
    private final CommandRateLimiter.Rate commandRate;
    private final ControlFrameLimitsHandler controlLimits;
    private final CommandLimitsHandler commandLimits;
    private final ConnectionLimiter connections;
    private final UpgradeAdmissionHandler admission;
    private final PerMessageDeflate deflate;
    private final ReservedBitsHandler reservedBits;
    private final LimitMeters meters;
    private final ProxyProtocolHandler proxyProtocol;
    private final List<AddressRange> trustedProxies;
    private final Counter untrustedProxy;

    /** Limits from {@code config}, counted in {@code meters}, with the system's monotonic clock. */
    public NodeLimits(CrierConfig config, Disconnector disconnector, MeterRegistry meters) {
        this(config, disconnector, meters, System::nanoTime);
    }

    /** As {@link #NodeLimits(CrierConfig, Disconnector, MeterRegistry)}, with a clock for the command buckets. */
    NodeLimits(CrierConfig config, Disconnector disconnector, MeterRegistry meters, LongSupplier nanoClock) {
        this.config = Objects.requireNonNull(config, "config");
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
        var limits = config.limits();
        this.commandRate = CommandRateLimiter.Rate.of(limits.commandsPerSecond(), limits.commandBurst(),
                limits.floodDisconnectAfter(), nanoClock);
        this.connections = new ConnectionLimiter(limits.maxConnections(), limits.maxConnectionsPerIp(),
                limits.maxConnectionsPerUser());
        this.admission = new UpgradeAdmissionHandler(
                new OriginPolicy(config.server().allowedOrigins()), connections, meters);
        this.deflate = config.compression().enabled()
                ? new PerMessageDeflate(config.compression(), limits.maxMessageBytes()) : null;
        this.reservedBits = new ReservedBitsHandler(disconnector);
        this.meters = LimitMeters.register(meters);
        CommandBudget commandBudget = new CommandBudget(disconnector, this.meters);
        this.controlLimits = new ControlFrameLimitsHandler(commandBudget);
        this.commandLimits = new CommandLimitsHandler(commandBudget);
        this.proxyProtocol = config.server().proxyProtocol()
                ? new ProxyProtocolHandler(LimitMeters.refused(meters, "proxy_protocol")) : null;
        this.trustedProxies = config.server().trustedProxyRanges();
        this.untrustedProxy = LimitMeters.refused(meters, "untrusted_proxy");
        MeterCatalog.LIMITS_CONNECTIONS.gauge(meters, connections, ConnectionLimiter::connections);
        MeterCatalog.LIMITS_IPS.gauge(meters, connections, ConnectionLimiter::trackedIps);
        MeterCatalog.LIMITS_USERS.gauge(meters, connections, ConnectionLimiter::trackedUsers);
    }

    /** The node's connection counters (per node, per IP, per user). */
    public ConnectionLimiter connections() {
        return connections;
    }

    /** Whether connections may start with a PROXY protocol header ({@code server.proxyProtocol}). */
    boolean proxyProtocolEnabled() {
        return proxyProtocol != null;
    }

    /** A {@code proxy-protocol} handler for a new connection; only when {@link #proxyProtocolEnabled()}. */
    ProxyProtocolDetector newProxyDetector() {
        return new ProxyProtocolDetector(trustedProxies, untrustedProxy);
    }

    /** The sharable {@code proxy-client} handler; only when {@link #proxyProtocolEnabled()}. */
    ProxyProtocolHandler proxyClient() {
        return proxyProtocol;
    }

    /** Whether permessage-deflate may be negotiated (frames with RSV1 are then legal). */
    boolean compressionEnabled() {
        return deflate != null;
    }

    /** The sharable {@code admission} handler: origin and connection limits before the upgrade. */
    UpgradeAdmissionHandler admission() {
        return admission;
    }

    /** A {@code handshake-limits} handler for a new connection. */
    HandshakeLimitsHandler newHandshakeLimits() {
        return new HandshakeLimitsHandler(config.server().handshakeTimeout(), meters);
    }

    /**
     * A full command bucket for a new connection, which its {@code control-limits} and {@code command-limits}
     * handlers share: every ping, pong and command takes from the same bucket.
     */
    CommandRateLimiter newCommandBucket() {
        return new CommandRateLimiter(commandRate);
    }

    /** The sharable {@code control-limits} handler: spends each connection's {@link Connection#commandBucket}. */
    ControlFrameLimitsHandler controlLimits() {
        return controlLimits;
    }

    /** The sharable {@code command-limits} handler: spends each connection's {@link Connection#commandBucket}. */
    CommandLimitsHandler commandLimits() {
        return commandLimits;
    }

    /** The sharable {@code ws-reserved-bits} handler; only when {@link #compressionEnabled()}. */
    ReservedBitsHandler reservedBits() {
        return reservedBits;
    }

    /**
     * The node's compressor of whole messages, with which the fan-out compresses each publication once for every
     * permessage-deflate session; null when compression is off.
     */
    public MessageDeflater messageDeflater() {
        return deflate == null ? null : deflate.deflater();
    }

    /** A {@code ws-compression} handler for a new connection; only when {@link #compressionEnabled()}. */
    ChannelHandler newCompression() {
        if (deflate == null) {
            throw new IllegalStateException("compression.enabled is false");
        }
        return deflate.newHandler();
    }
}
