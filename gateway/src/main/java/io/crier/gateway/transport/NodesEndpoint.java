package io.crier.gateway.transport;

import io.crier.gateway.metrics.MeterCatalog;
import io.crier.gateway.nodes.ClusterView;
import io.crier.protocol.NodesCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * The cluster view's route of the admin API, {@code GET /api/v1/nodes}, served through {@link AdminRoutes} (which
 * checks the admin key first): answers 200 with {@link NodesCodec}'s list of the live nodes, or 503 with an
 * {@code unavailable} error when the registry cannot be read (Redis is down). The answer closes the connection:
 * it may come after the registry's round trip, and nothing may overtake it. Counted in
 * {@link MeterCatalog#ADMIN_REQUESTS} with {@code action=nodes}, by outcome.
 *
 * <p>Immutable; thread-safe. Never blocks: the answer is written when the registry's stage completes.
 */
public final class NodesEndpoint {

    /** The route. */
    public static final String PATH = "/api/v1/nodes";

    private final ClusterView view;
    private final NodesCodec codec = new NodesCodec();
    private final Counter ok;
    private final Counter unavailable;

    /** Lists {@code view}'s nodes; counts the calls in {@code meters}. */
    public NodesEndpoint(ClusterView view, MeterRegistry meters) {
        this.view = Objects.requireNonNull(view, "view");
        this.ok = MeterCatalog.ADMIN_REQUESTS.counter(meters, "action", "nodes", "outcome", "ok");
        this.unavailable = MeterCatalog.ADMIN_REQUESTS.counter(meters, "action", "nodes", "outcome", "unavailable");
    }

    /** Answers an authorized {@code GET}; the request is not needed past this call. */
    void handle(ChannelHandlerContext ctx) {
        view.nodes().whenComplete((nodes, error) -> {
            if (error == null) {
                ok.increment();
                HttpResponses.send(ctx, null, HttpResponseStatus.OK, HttpResponses.JSON,
                        codec.encodeList(view.nodeId(), nodes, view.now()), false);
            } else {
                // The registry's trouble (Redis down) is the operator's to see in the answer, not a log line per call.
                unavailable.increment();
                HttpResponses.send(ctx, null, HttpResponseStatus.SERVICE_UNAVAILABLE, HttpResponses.JSON,
                        codec.encodeError("unavailable", "the cluster view cannot be read right now; retry later"),
                        false);
            }
        });
    }
}
