package io.crier.gateway.transport;

import io.crier.gateway.fleet.FleetActions;
import io.crier.protocol.FleetAction;
import io.crier.protocol.FleetApiCodec;
import io.crier.protocol.FleetApiRequest;
import io.crier.protocol.FleetApiResult;
import io.crier.protocol.PublishApiError;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The server API's routes, {@code POST /api/v1/<action>} and {@code POST /api/v1/batch}, served by the
 * {@link PublishApiEndpoint} that owns the API's head checks (method, key, content type, size, the node's buffer
 * budget): decodes the body ({@link FleetApiCodec}), takes the actions ({@link FleetActions}) and answers with JSON.
 * A rejected single action answers its error's status; a batch answers 200 with one result per action, or 503 when
 * every action failed as unavailable.
 *
 * <p>Thread-safe; one instance per node.
 */
final class FleetApiRoutes {

    /** The routes' common prefix. */
    static final String PREFIX = "/api/v1/";

    private final FleetApiCodec codec;
    private final FleetActions actions;

    FleetApiRoutes(FleetApiCodec codec, FleetActions actions) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.actions = Objects.requireNonNull(actions, "actions");
    }

    /** Whether {@code path} is one of the server API's routes. */
    boolean handles(String path) {
        if (!path.startsWith(PREFIX)) {
            return false;
        }
        String route = path.substring(PREFIX.length());
        return FleetApiCodec.ACTIONS.contains(route) || FleetApiCodec.BATCH.equals(route);
    }

    /** Decodes {@code body}, takes the action(s) and answers; completes once the answer is handed to Netty. */
    CompletionStage<Void> serve(PublishApiEndpoint endpoint, ChannelHandlerContext ctx, String path, byte[] body) {
        FleetApiRequest request = codec.decode(path.substring(PREFIX.length()), body);
        if (request instanceof FleetApiRequest.Invalid invalid) {
            endpoint.fail(ctx, invalid.error(), invalid.message()).addListener(ChannelFutureListener.CLOSE);
            return CompletableFuture.completedFuture(null);
        }
        if (request instanceof FleetApiRequest.Single single) {
            FleetAction action = single.action();
            return actions.take(action).thenAccept(result -> answer(endpoint, ctx, result));
        }
        return actions.takeAll(((FleetApiRequest.Batch) request).actions())
                .thenAccept(results -> answerBatch(endpoint, ctx, results));
    }

    private void answer(PublishApiEndpoint endpoint, ChannelHandlerContext ctx, FleetApiResult result) {
        if (result instanceof FleetApiResult.Failed failed) {
            endpoint.fail(ctx, failed.error(), failed.message()).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        endpoint.answerOk(ctx, codec.encode(result));
    }

    private void answerBatch(PublishApiEndpoint endpoint, ChannelHandlerContext ctx, List<FleetApiResult> results) {
        boolean allUnavailable = !results.isEmpty() && results.stream().allMatch(result ->
                result instanceof FleetApiResult.Failed failed && failed.error() == PublishApiError.UNAVAILABLE);
        if (allUnavailable) {
            // Nothing was done: one 503 tells the caller to retry the whole batch.
            answer(endpoint, ctx, results.get(0));
            return;
        }
        endpoint.answerOk(ctx, codec.encodeBatch(results));
    }
}
