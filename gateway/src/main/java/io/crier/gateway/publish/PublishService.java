package io.crier.gateway.publish;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistoryStore;
import io.crier.cluster.StreamPosition;
import io.crier.protocol.Position;
import io.crier.protocol.PublicationCodec;
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
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes publications on behalf of backends (the HTTP publish API): on a topic whose namespace keeps history,
 * through {@link HistoryStore#publish} (one atomic append-and-publish that gives the publication its offset);
 * on any other topic, through {@link Broker#publish}, exactly as a client's {@code publish} or a backend's
 * Redis {@code PUBLISH}. Failures become results, never failed stages: {@link PublishApiError#UNAVAILABLE}
 * when Redis cannot be reached (nothing was published), {@link PublishApiError#INTERNAL} otherwise.
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

    private final Broker broker;
    private final HistoryStore history;
    private final Function<String, HistoryOptions> historyOf;
    private final PublicationCodec publications = new PublicationCodec();

    /**
     * @param history   where topics with history are published
     * @param historyOf a topic's history options (from its namespace), or {@code null} when it keeps none
     */
    public PublishService(Broker broker, HistoryStore history, Function<String, HistoryOptions> historyOf) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.history = Objects.requireNonNull(history, "history");
        this.historyOf = Objects.requireNonNull(historyOf, "historyOf");
    }

    /** Publishes one publication; the stage never fails. */
    public CompletionStage<PublishApiResult> publish(PublishApiItem.Publication publication) {
        CompletionStage<PublishApiResult> sent;
        try {
            HistoryOptions options = historyOf.apply(publication.topic());
            sent = options == null
                    ? broker.publish(publication.topic(), publications.encode(publication.data()))
                            .thenApply(ignored -> new PublishApiResult.Published(null))
                    : history.publish(publication.topic(), publication.data().toBytes(), options)
                            .thenApply(PublishService::published);
        } catch (RuntimeException e) {
            // The seams fail their stages rather than throw; a throw still gets the one path for failures.
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.exceptionally(PublishService::failed);
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

    private static PublishApiResult published(StreamPosition position) {
        return new PublishApiResult.Published(new Position(position.offset(), position.epoch()));
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
