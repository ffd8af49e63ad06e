package io.crier.gateway.hub;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.HistoryStore;
import io.crier.cluster.StoredPublication;
import io.crier.protocol.CommandId;
import io.crier.protocol.Position;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers the {@code history} command: up to {@code limit} stored publications after a position, oldest
 * first. A {@code since} from another epoch than the current one (and not from the part of the previous epoch
 * that the current one continues, see {@link io.crier.cluster.HistorySlice#continues}) reads from the oldest
 * stored publication and says {@code complete:false}: everything of the current epoch comes after it, but what
 * lay between is lost.
 * Stored data that is not one JSON value is skipped (counted as malformed), and the page is then not complete.
 * Stateless apart from its collaborators; thread-safe.
 */
final class HistoryPages {

    private final HubHistory history;
    private final PushEncoder pushes;

    HistoryPages(HubHistory history, PushEncoder pushes) {
        this.history = history;
        this.pushes = pushes;
    }

    /**
     * Up to {@code limit} stored publications of {@code topic} after {@code since} (from the oldest when null), as
     * the answer to command {@code id}. Fails with {@link IllegalStateException} when the topic has no history,
     * and with {@code BrokerUnavailableException} when the store cannot be reached.
     */
    CompletionStage<Reply.HistoryPage> read(CommandId id, String topic, Position since, int limit) {
        HistoryOptions options = history.optionsFor(topic);
        if (options == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("topic has no history"));
        }
        try {
            return read(id, topic, options, since, limit);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<Reply.HistoryPage> read(CommandId id, String topic, HistoryOptions options,
                                                    Position since, int limit) {
        HistoryStore store = history.store();
        long after = since == null ? 0 : since.offset();
        return store.read(topic, after, limit, options).thenCompose(slice -> {
            if (since == null || slice.continues(since.epoch(), after)) {
                return CompletableFuture.completedFuture(page(id, slice, slice.complete()));
            }
            return after == 0 ? CompletableFuture.completedFuture(page(id, slice, false))
                    : store.read(topic, 0, limit, options).thenApply(all -> page(id, all, false));
        });
    }

    private Reply.HistoryPage page(CommandId id, HistorySlice slice, boolean complete) {
        List<Reply.HistoryItem> items = new ArrayList<>(slice.publications().size());
        boolean whole = complete;
        for (StoredPublication stored : slice.publications()) {
            RawJson data = pushes.checked(stored.data());
            if (data == null) {
                whole = false;
            } else {
                items.add(new Reply.HistoryItem(stored.offset(), data));
            }
        }
        Position position = new Position(slice.position().offset(), slice.position().epoch());
        return new Reply.HistoryPage(id, position, whole, items);
    }
}
