package io.crier.gateway.publish;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.gateway.hub.PublishRoute;
import io.crier.protocol.PublishApiError;
import io.crier.protocol.PublishApiItem;
import io.crier.protocol.PublishApiResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes publications on behalf of backends (the HTTP publish API), through the {@link PublishRoute} a client's
 * {@code publish} takes too: through the history store on a topic whose namespace keeps history (the result then
 * has the publication's position), else through the broker. Failures become results, never failed stages:
 * {@link PublishApiError#UNAVAILABLE} when Redis cannot be reached (nothing was published),
 * {@link PublishApiError#INTERNAL} otherwise.
 *
 * <p>A batch keeps the order of its publications to one topic: each waits for the one before it on the same
 * topic, and once one fails the later ones on that topic are not attempted (so that a retry of the failed ones
 * cannot land after them). Publications to different topics run concurrently.
 *
 * <p>Thread-safe; stages complete on the broker's or the history store's threads.
 */
public final class PublishService {

    private static final Logger log = LoggerFactory.getLogger(PublishService.class);
    private static final String UNAVAILABLE_MESSAGE = "Redis is unavailable; nothing was published; retry later";
    private static final String SKIPPED_MESSAGE =
            "not published: an earlier publication to this topic in the batch failed; retry both in order";

    private final PublishRoute route;

    /** @param route where each publication goes (the hub's: {@code Hub.publishRoute()}) */
    public PublishService(PublishRoute route) {
        this.route = Objects.requireNonNull(route, "route");
    }

    /** Publishes one publication; the stage never fails. */
    public CompletionStage<PublishApiResult> publish(PublishApiItem.Publication publication) {
        return route.publish(publication.topic(), publication.data())
                .<PublishApiResult>thenApply(PublishApiResult.Published::new)
                .exceptionally(PublishService::failed);
    }

    /**
     * Publishes a batch: one result per item, in item order; a {@link PublishApiItem.Rejected} item fails alone
     * with its own error. The stage never fails.
     */
    public CompletionStage<List<PublishApiResult>> publishAll(List<PublishApiItem> items) {
        Map<String, CompletableFuture<PublishApiResult>> lastByTopic = new HashMap<>();
        List<CompletableFuture<PublishApiResult>> results = new ArrayList<>(items.size());
        for (PublishApiItem item : items) {
            if (item instanceof PublishApiItem.Rejected rejected) {
                results.add(CompletableFuture.completedFuture(
                        new PublishApiResult.Failed(rejected.error(), rejected.message())));
                continue;
            }
            PublishApiItem.Publication publication = (PublishApiItem.Publication) item;
            CompletableFuture<PublishApiResult> before = lastByTopic.get(publication.topic());
            CompletableFuture<PublishApiResult> result = before == null
                    ? publish(publication).toCompletableFuture()
                    : before.thenCompose(previous -> previous instanceof PublishApiResult.Failed
                            ? CompletableFuture.completedFuture(
                                    new PublishApiResult.Failed(PublishApiError.UNAVAILABLE, SKIPPED_MESSAGE))
                            : publish(publication));
            lastByTopic.put(publication.topic(), result);
            results.add(result);
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> results.stream().map(CompletableFuture::join).toList());
    }

    private static PublishApiResult failed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof BrokerUnavailableException) {
            return new PublishApiResult.Failed(PublishApiError.UNAVAILABLE, UNAVAILABLE_MESSAGE);
        }
        // Not a client mistake: a server-side failure worth one line each (they are counted too).
        log.warn("publication through the HTTP API failed: {}", cause.toString());
        return new PublishApiResult.Failed(PublishApiError.INTERNAL,
                "publication failed; it may or may not have been made");
    }
}
