package io.crier.gateway.transport;

import io.crier.gateway.auth.BearerKey;
import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Objects;

/**
 * The admin API, served by {@link HttpRoutesHandler} when {@code admin.key} is set: {@code POST /admin/drain}
 * with {@code Authorization: Bearer <admin.key>} starts a graceful drain and answers 202 (again 202 when a
 * drain is already running); with a cluster view, {@code GET /api/v1/nodes} lists the live nodes
 * ({@link NodesEndpoint}); with the online/offline events on, {@code GET /api/v1/events} pages through them
 * ({@link EventsEndpoint}). A missing or wrong key gets 401, another method 405. Every call is counted in
 * {@link MeterCatalog#ADMIN_REQUESTS}, by action and outcome; the key is compared in constant time and never logged.
 *
 * <p>Immutable; thread-safe. {@code startDrain} must not block: it runs on an event loop.
 */
public final class AdminRoutes {

    /** The drain route. */
    public static final String DRAIN_PATH = "/admin/drain";

    private final BearerKey key;
    private final Runnable startDrain;
    private final Counter accepted;
    private final Counter unauthorized;
    private final NodesEndpoint nodes;
    private final Counter nodesUnauthorized;
    private final EventsEndpoint events;
    private final Counter eventsUnauthorized;

    /**
     * @param key        the admin key (UTF-8 bytes), not empty
     * @param startDrain starts the drain without waiting for it; idempotent
     * @param nodes      the cluster view's route ({@code GET /api/v1/nodes}), or {@code null} for none (404)
     * @param events     the online/offline events' route ({@code GET /api/v1/events}), or {@code null} for none (404)
     * @param meters     where the calls are counted
     */
    public AdminRoutes(byte[] key, Runnable startDrain, NodesEndpoint nodes, EventsEndpoint events,
                       MeterRegistry meters) {
        if (key.length == 0) {
            throw new IllegalArgumentException("an empty admin key means no admin API: pass no AdminRoutes");
        }
        this.key = new BearerKey(key);
        this.startDrain = Objects.requireNonNull(startDrain, "startDrain");
        this.accepted = counter(meters, "accepted");
        this.unauthorized = counter(meters, "unauthorized");
        this.nodes = nodes;
        this.nodesUnauthorized = MeterCatalog.ADMIN_REQUESTS.counter(meters, "action", "nodes",
                "outcome", "unauthorized");
        this.events = events;
        this.eventsUnauthorized = MeterCatalog.ADMIN_REQUESTS.counter(meters, "action", "events",
                "outcome", "unauthorized");
    }

    /** Whether {@code path} is an admin route. */
    public boolean handles(String path) {
        return DRAIN_PATH.equals(path) || nodes != null && NodesEndpoint.PATH.equals(path)
                || events != null && EventsEndpoint.PATH.equals(path);
    }

    /** Answers an admin request; the caller releases {@code request}. */
    void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (nodes != null && NodesEndpoint.PATH.equals(new QueryStringDecoder(request.uri()).path())) {
            listNodes(ctx, request);
            return;
        }
        if (events != null && EventsEndpoint.PATH.equals(new QueryStringDecoder(request.uri()).path())) {
            if (authorizedGet(ctx, request, eventsUnauthorized)) {
                events.handle(ctx, request.uri());
            }
            return;
        }
        if (!HttpMethod.POST.equals(request.method())) {
            HttpResponses.methodNotAllowed(ctx, request, "POST");
            return;
        }
        if (!key.matches(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            unauthorized.increment();
            HttpResponses.text(ctx, request, HttpResponseStatus.UNAUTHORIZED, "unauthorized\n");
            return;
        }
        accepted.increment();
        startDrain.run();
        HttpResponses.text(ctx, request, HttpResponseStatus.ACCEPTED, "draining\n");
    }

    private void listNodes(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (authorizedGet(ctx, request, nodesUnauthorized)) {
            nodes.handle(ctx);
        }
    }

    /** Whether {@code request} is a {@code GET} with the admin key; else answers 405 or 401 (counted) itself. */
    private boolean authorizedGet(ChannelHandlerContext ctx, FullHttpRequest request, Counter refused) {
        if (!HttpMethod.GET.equals(request.method())) {
            HttpResponses.methodNotAllowed(ctx, request, "GET");
            return false;
        }
        if (!key.matches(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            refused.increment();
            HttpResponses.text(ctx, request, HttpResponseStatus.UNAUTHORIZED, "unauthorized\n");
            return false;
        }
        return true;
    }

    private static Counter counter(MeterRegistry meters, String outcome) {
        return MeterCatalog.ADMIN_REQUESTS.counter(meters, "action", "drain", "outcome", outcome);
    }
}
