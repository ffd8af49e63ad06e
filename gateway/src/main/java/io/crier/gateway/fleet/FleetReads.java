package io.crier.gateway.fleet;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.PresenceStore;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.gateway.nodes.ClusterView;
import io.crier.gateway.presence.PresenceQuery;
import io.crier.protocol.CommandId;
import io.crier.protocol.FleetAction;
import io.crier.protocol.FleetApiCodec;
import io.crier.protocol.FleetApiResult;
import io.crier.protocol.NodesCodec;
import io.crier.protocol.Position;
import io.crier.protocol.PublishApiError;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The server API's reads, answered from what the fleet shares, with no control message: {@code info} (the
 * cluster view), {@code presence} (the presence store, as the {@code presence} command reads it, but with no
 * permission check: the caller is the backend) and {@code history} (the hub's history pages, as the
 * {@code history} command reads them). A namespace with presence off, or a topic without history, answers
 * {@code invalid_field}; a store that cannot be reached, {@code unavailable}. Stages never fail.
 *
 * <p>Thread-safe; stages complete on the stores' threads.
 */
public final class FleetReads {

    /** Reads a topic's history page (the hub's), or fails with {@link IllegalStateException} without history. */
    @FunctionalInterface
    public interface HistoryReader {
        CompletionStage<Reply.HistoryPage> read(CommandId id, String topic, Position since, int limit);
    }

    private static final CommandId NO_COMMAND = CommandId.of(0);

    private final ClusterView cluster;
    private final PresenceStore presence;
    private final NamespacesConfig namespaces;
    private final int maxList;
    private final HistoryReader history;
    private final FleetApiCodec codec = new FleetApiCodec(1);

    /** @param maxList {@code presence.maxList}: the most sessions one answer lists */
    public FleetReads(ClusterView cluster, PresenceStore presence, NamespacesConfig namespaces, int maxList,
                      HistoryReader history) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.presence = Objects.requireNonNull(presence, "presence");
        this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
        this.maxList = maxList;
        this.history = Objects.requireNonNull(history, "history");
    }

    /** How many nodes the cluster view holds now (1 when it cannot be read). */
    CompletionStage<Integer> nodeCount() {
        return cluster.nodes().handle((nodes, failure) -> nodes == null ? 1 : nodes.size());
    }

    /** Answers a read action; {@code null} for an action that is not a read. */
    CompletionStage<FleetApiResult> answer(FleetAction action) {
        CompletionStage<FleetApiResult> answer;
        if (action instanceof FleetAction.Info) {
            answer = cluster.nodes().thenApply(nodes -> body(new NodesCodec().encodeList(cluster.nodeId(), nodes,
                    cluster.now())));
        } else if (action instanceof FleetAction.Presence query) {
            answer = presence(query);
        } else if (action instanceof FleetAction.History query) {
            answer = history.read(NO_COMMAND, query.topic(), query.since(), query.limit())
                    .thenApply(page -> body(codec.encodeReply(page)));
        } else {
            return null;
        }
        return answer.exceptionally(FleetReads::failed);
    }

    private CompletionStage<FleetApiResult> presence(FleetAction.Presence query) {
        NamespaceOptions options = namespaces.optionsFor(query.topic());
        if (!options.presenceEnabled()) {
            return CompletableFuture.completedFuture(new FleetApiResult.Failed(PublishApiError.INVALID_FIELD,
                    "presence is off for this topic's namespace"));
        }
        if (query.countOnly() || !options.presenceListAllowed()) {
            return presence.count(query.topic()).thenApply(count -> body(codec.encodeReply(
                    new Reply.PresenceCount(NO_COMMAND, count.sessions(), count.users()))));
        }
        return presence.list(query.topic(), maxList).thenApply(entries -> body(codec.encodeReply(
                new Reply.PresenceList(NO_COMMAND, PresenceQuery.items(entries)))));
    }

    private static FleetApiResult body(byte[] json) {
        return new FleetApiResult.Body(RawJson.trusted(json));
    }

    private static FleetApiResult failed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof IllegalStateException) {
            return new FleetApiResult.Failed(PublishApiError.INVALID_FIELD, "this topic keeps no history");
        }
        if (cause instanceof BrokerUnavailableException) {
            return new FleetApiResult.Failed(PublishApiError.UNAVAILABLE, "Redis is unavailable; retry later");
        }
        throw cause instanceof CompletionException completion ? completion : new CompletionException(cause);
    }
}
