package io.crier.gateway.hub;

import io.crier.cluster.Broker;
import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistoryStore;
import io.crier.protocol.Position;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Decides where a publication made through this node goes, for clients ({@link Hub#publish}) and for the HTTP
 * publish API alike: on a topic whose namespace keeps history, through {@link HistoryStore#publish} (one atomic
 * append-and-publish that gives the publication its offset); on any other topic, through {@link Broker#publish}
 * in the {@link PublicationCodec} format. The topic's history options are looked up once per publication.
 * Immutable; thread-safe.
 */
public final class PublishRoute {

    private final Broker broker;
    private final PublicationCodec publications;
    private final HistoryStore store;
    private final Function<String, HistoryOptions> historyOf;

    /**
     * @param store     where topics with history are published; null when no topic keeps history
     * @param historyOf a topic's history options (from its namespace), or {@code null} when it keeps none
     */
    public PublishRoute(Broker broker, PublicationCodec publications, HistoryStore store,
                        Function<String, HistoryOptions> historyOf) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.publications = Objects.requireNonNull(publications, "publications");
        this.store = store;
        this.historyOf = Objects.requireNonNull(historyOf, "historyOf");
    }

    /**
     * Publishes {@code data} to {@code topic} on every node. The stage completes with the publication's position,
     * or {@code null} on a topic without history; it fails (never throws) when the publication cannot be made,
     * with {@code BrokerUnavailableException} when Redis cannot be reached.
     */
    public CompletionStage<Position> publish(String topic, RawJson data) {
        try {
            HistoryOptions options = historyOf.apply(topic);
            if (options == null) {
                return broker.publish(topic, publications.encode(data)).thenApply(ignored -> null);
            }
            return store.publish(topic, data.toBytes(), options)
                    .thenApply(position -> new Position(position.offset(), position.epoch()));
        } catch (RuntimeException e) {
            // The seams fail their stages rather than throw; a throw still gets the one path for failures.
            return CompletableFuture.failedFuture(e);
        }
    }
}
