package io.crier.gateway.presence;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.PresenceEntry;
import io.crier.cluster.PresenceStore;
import io.crier.gateway.auth.User;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.gateway.permission.TopicPolicy;
import io.crier.gateway.permission.Verdict;
import io.crier.gateway.session.PresenceResponder;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the {@code presence} command from the {@link PresenceStore}, so across the whole fleet. A session
 * may ask about a topic only if it may subscribe to it (the same {@link TopicPolicy} rule; it need not be
 * subscribed): otherwise {@code forbidden}. Presence {@code off} in the topic's namespace answers
 * {@code not_available}; {@code countOnly} answers the counts; a list answers at most
 * {@code presence.maxList} sessions, and on a {@code count} namespace {@code not_available} (lists are what
 * count mode exists to avoid on big topics). A store that cannot be reached answers {@code unavailable}.
 *
 * <p>Thread-safe and stateless; stages complete on the store's threads and never exceptionally.
 */
public final class PresenceQuery implements PresenceResponder {

    private static final Logger log = LoggerFactory.getLogger(PresenceQuery.class);

    private final PresenceStore store;
    private final NamespacesConfig namespaces;
    private final TopicPolicy topics;
    private final int maxList;

    /** @param maxList {@code presence.maxList}: the most sessions one reply lists */
    public PresenceQuery(PresenceStore store, NamespacesConfig namespaces, TopicPolicy topics, int maxList) {
        this.store = Objects.requireNonNull(store, "store");
        this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
        this.topics = Objects.requireNonNull(topics, "topics");
        if (maxList < 1) {
            throw new IllegalArgumentException("maxList must be at least 1");
        }
        this.maxList = maxList;
    }

    @Override
    public CompletionStage<Reply> answer(User user, Command.Presence command) {
        CommandId id = command.id();
        Verdict verdict = topics.subscribe(user, command.topic());
        if (!verdict.allowed()) {
            return done(error(id, ErrorCode.FORBIDDEN, "presence refused: " + verdict.message()));
        }
        NamespaceOptions options = namespaces.optionsFor(command.topic());
        if (!options.presenceEnabled()) {
            return done(error(id, ErrorCode.NOT_AVAILABLE, "presence is off for this namespace"));
        }
        CompletionStage<Reply> reply;
        if (command.countOnly()) {
            reply = store.count(command.topic()).thenApply(count -> new Reply.PresenceCount(id, count.sessions(),
                    count.users()));
        } else if (!options.presenceListAllowed()) {
            return done(error(id, ErrorCode.NOT_AVAILABLE, "this namespace only counts presence; ask countOnly"));
        } else {
            reply = store.list(command.topic(), maxList).thenApply(entries -> new Reply.PresenceList(id,
                    items(entries)));
        }
        return reply.exceptionally(failure -> failed(id, failure));
    }

    /** The presence reply's items for {@code entries} (also the server API's {@code presence} answer). */
    public static List<Reply.PresenceItem> items(List<PresenceEntry> entries) {
        List<Reply.PresenceItem> items = new ArrayList<>(entries.size());
        for (PresenceEntry entry : entries) {
            items.add(new Reply.PresenceItem(entry.user(), entry.sessionId(),
                    entry.info() == null ? null : RawJson.trusted(entry.info())));
        }
        return items;
    }

    private static Reply failed(CommandId id, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof BrokerUnavailableException) {
            return error(id, ErrorCode.UNAVAILABLE, "presence unavailable, retry later");
        }
        // Converted to an internal-error reply; debug only, since a sick store could fail every call.
        log.debug("presence failed", cause);
        return error(id, ErrorCode.INTERNAL, "internal error");
    }

    private static Reply error(CommandId id, ErrorCode code, String message) {
        return new Reply.Error(id, code, message);
    }

    private static CompletionStage<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
