package io.crier.gateway.transport;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code GET /metrics}: the node's meters in the Prometheus text exposition format (version 0.0.4, the
 * format every Prometheus scrapes). No key is asked: like most scrape endpoints it is meant for the
 * monitoring network, and it exposes no topic, user, session or address (every tag value comes from
 * {@code MeterCatalog}'s fixed sets), only counts. A load balancer in front of the public port should not
 * route {@code /metrics} (the bundled HAProxy config does not).
 *
 * <p>Thread-safe: one instance per node; the scrape runs on the requesting connection's event loop.
 */
public final class MetricsEndpoint {

    /** The path of the scrape. */
    public static final String PATH = "/metrics";

    /** The Prometheus text format's content type (the Prometheus client's PrometheusTextFormatWriter.CONTENT_TYPE). */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsEndpoint(PrometheusMeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Whether {@code path} is the scrape. */
    boolean handles(String path) {
        return PATH.equals(path);
    }

    /** Answers a scrape; the caller releases {@code request}. */
    void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!HttpMethod.GET.equals(request.method())) {
            HttpResponses.methodNotAllowed(ctx, request, "GET");
            return;
        }
        byte[] body = registry.scrape(CONTENT_TYPE).getBytes(StandardCharsets.UTF_8);
        HttpResponses.send(ctx, request, HttpResponseStatus.OK, CONTENT_TYPE, body, true);
    }
}
