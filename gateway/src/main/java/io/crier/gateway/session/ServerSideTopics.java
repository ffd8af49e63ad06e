package io.crier.gateway.session;

import io.crier.gateway.auth.User;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.permission.TopicPolicy;
import io.crier.protocol.Position;
import io.crier.protocol.Push;
import io.crier.protocol.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-side subscriptions of one {@link Session}: its server-side topics as it opens ({@link #open}), and the
 * server API's subscribe and unsubscribe of a live session. They take topics through the session's
 * {@link SessionTopics} like a client {@code subscribe}, with no permission check (the token or the backend
 * decided) but under the topic limit, and announce them with {@code subscribed}/{@code unsubscribed} pushes through
 * the transport's {@link PushChannel}; a {@code subscribed} push to a topic with history goes live once written
 * ({@link PendingActivations}).
 *
 * <p>{@link #open} runs on the session's event loop; {@link #subscribe} and {@link #unsubscribe} may be called from
 * any thread (they hop to the session's event loop through the {@link PushChannel}). It keeps nothing between calls:
 * the session makes one for each (a server-side subscribe is rare; an object kept per session cost 32 bytes).
 */
final class ServerSideTopics {

    private static final Logger log = LoggerFactory.getLogger(ServerSideTopics.class);
    /** What {@link #open} gives a session without server-side topics: done, all (none) held. Cannot be completed. */
    private static final CompletionStage<Boolean> NOTHING_TO_OPEN = CompletableFuture.completedStage(Boolean.TRUE);

    private final SessionTopics topics;
    private final PendingActivations activations;
    private final Hub hub;
    private final TopicPolicy policy;
    private final PushChannel pushes;

    /** @param pushes carries the pushes and runs the subscribes on the session's thread */
    ServerSideTopics(SessionTopics topics, PendingActivations activations, Hub hub, TopicPolicy policy,
                     PushChannel pushes) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.activations = Objects.requireNonNull(activations, "activations");
        this.hub = Objects.requireNonNull(hub, "hub");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.pushes = Objects.requireNonNull(pushes, "pushes");
    }

    /**
     * Subscribes the session of {@code user} to its server-side topics ({@link TopicPolicy#serverTopics}), each
     * recovering from its position in {@code since} when there is one; see {@link Session#openServerSubscriptions}.
     */
    CompletionStage<Boolean> open(User user, Map<String, Position> since) {
        List<String> serverTopics = policy.serverTopics(user);
        if (serverTopics.isEmpty()) {
            return NOTHING_TO_OPEN; // most sessions: no futures to gather
        }
        List<CompletableFuture<ServerSubscribe>> outcomes = new ArrayList<>(serverTopics.size());
        for (String topic : serverTopics) {
            outcomes.add(subscribeHere(topic, since.get(topic)).toCompletableFuture());
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> outcomes.stream().allMatch(outcome -> outcome.join().holds()));
    }

    /** The server API's subscribe; see {@link Session#subscribeFromServer}. */
    CompletionStage<ServerSubscribe> subscribe(String topic, Position since) {
        Topics.requireValid(topic);
        CompletableFuture<ServerSubscribe> outcome = new CompletableFuture<>();
        if (!pushes.execute(() -> subscribeHere(topic, since).whenComplete((done, failure) ->
                outcome.complete(failure == null ? done : ServerSubscribe.FAILED)))) {
            outcome.complete(ServerSubscribe.CLOSED);
        }
        return outcome;
    }

    /** The server API's unsubscribe; see {@link Session#unsubscribeFromServer}. */
    CompletionStage<Boolean> unsubscribe(String topic) {
        Topics.requireValid(topic);
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        if (!pushes.execute(() -> {
            boolean held = !topics.closed() && topics.leave(topic);
            if (held) {
                pushes.send(new Push.Unsubscribed(topic));
            }
            outcome.complete(held);
        })) {
            outcome.complete(false);
        }
        return outcome;
    }

    /** A server-side subscribe, on the session's event loop; the stage completes once the push is written. */
    private CompletionStage<ServerSubscribe> subscribeHere(String topic, Position since) {
        ServerSubscribe refusal = topics.refusal(topic);
        if (refusal != null) {
            return CompletableFuture.completedFuture(refusal);
        }
        CompletableFuture<ServerSubscribe> outcome = new CompletableFuture<>();
        try {
            topics.join(topic, since).whenComplete((subscription, failure) -> {
                if (failure != null) {
                    log.debug("server-side subscribe failed", failure);
                    outcome.complete(ServerSubscribe.FAILED);
                    return;
                }
                Push.Subscribed push = activations.pushFor(subscription);
                if (!pushes.execute(() -> {
                    pushes.send(push);
                    activations.written(push, hub);
                    outcome.complete(ServerSubscribe.SUBSCRIBED);
                })) {
                    outcome.complete(ServerSubscribe.CLOSED);
                }
            });
        } catch (RuntimeException e) {
            // A bug in the hub or the broker costs this one subscription (taken back), not the connection.
            log.warn("server-side subscribe failed", e);
            outcome.complete(ServerSubscribe.FAILED);
        }
        return outcome;
    }
}
