package io.crier.gateway;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.gateway.logging.ConnectionLog;
import io.crier.gateway.metrics.BrokerMeters;
import io.crier.gateway.metrics.JvmMeters;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.gateway.transport.MetricsEndpoint;
import io.crier.gateway.transport.TelemetryHandler;
import io.crier.gateway.transport.TransportMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.group.ChannelGroup;

/**
 * The node's observability wiring, kept out of {@link GatewayServer}: the JVM and Netty meters, the
 * connection gauge, the broker's meters, the {@code telemetry} handler with its lifecycle log, and the
 * {@code /metrics} scrape (present when the node's registry is a {@link PrometheusMeterRegistry}, which
 * {@link GatewayServer#start(io.crier.gateway.config.CrierConfig)} always uses).
 *
 * <p>Thread-safe once built; {@link #close()} is idempotent.
 */
final class NodeTelemetry implements AutoCloseable {

    /** Lifecycle lines let through per second on average, and at once: a flood of connections stays bounded. */
    private static final int LIFECYCLE_LINES_PER_SECOND = 200;
    private static final int LIFECYCLE_BURST = 2000;

    private final MeterRegistry meters;
    private final JvmMeters jvm;
    private final TelemetryHandler handler;
    private final MetricsEndpoint endpoint;

    /** @param channels every connection of the node */
    NodeTelemetry(MeterRegistry meters, ChannelGroup channels) {
        this.meters = meters;
        this.jvm = new JvmMeters(meters);
        TransportMeters.register(meters, channels);
        MeterCatalog.CONNECTIONS.gauge(meters, channels, ChannelGroup::size);
        this.handler = new TelemetryHandler(meters,
                new ConnectionLog(meters, LIFECYCLE_LINES_PER_SECOND, LIFECYCLE_BURST, System::nanoTime));
        this.endpoint = meters instanceof PrometheusMeterRegistry prometheus ? new MetricsEndpoint(prometheus) : null;
    }

    /** The listener to start {@code broker} with: {@code next}, with the broker's meters in front. */
    BrokerListener watch(Broker broker, BrokerListener next) {
        return new BrokerMeters(broker, next, meters);
    }

    /** The {@code telemetry} handler of every connection. */
    TelemetryHandler handler() {
        return handler;
    }

    /** The {@code /metrics} route, or {@code null} when the registry is not a Prometheus one. */
    MetricsEndpoint metricsEndpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        jvm.close();
    }
}
