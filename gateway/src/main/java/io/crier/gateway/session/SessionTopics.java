package io.crier.gateway.session;

import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.Subscriber;
import io.crier.gateway.hub.Subscription;
import io.crier.protocol.Position;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The topics one {@link Session} holds, and whether it is closed: the one owner of both, and of the hub and
 * {@link TopicListener} calls that taking or letting go of a topic makes. A topic counts from the moment it is
 * taken, not when the broker answers: a subscribe the broker then refuses is taken back ({@link #join}). A topic
 * may also be held for a subscribe hook that has not answered yet ({@link #holdForHook}): it counts against the
 * limit and is already held, but is neither in the hub nor in presence until {@link #confirmHook}.
 *
 * <p>Confined to the session's event loop, except that a stage {@link #join} or {@link #confirmHook} returns may
 * fail on a broker thread and then takes its own topic back (the table is thread-safe for that reason);
 * {@link #names} and {@link #closed} may be read from any thread.
 */
final class SessionTopics {

    private final Session session;
    private final Subscriber subscriber;
    private final Hub hub;
    private final int maxTopics;
    /**
     * Each topic, mapped to a token of the subscribe that added it (a {@link Hold} while its hook is asked), so
     * that a late broker failure takes back only its own subscribe, not a newer one of the same topic. Sized for the
     * one topic most sessions hold ({@link TopicTokens}); it grows when needed. Each name is the hub's own string
     * when the hub already has the topic ({@link Hub#sharedName}), not the session's decoded copy.
     */
    private final TopicTokens topics = new TopicTokens();
    private volatile boolean closed;
    private volatile TopicListener listener = TopicListener.NONE;

    SessionTopics(Session session, Subscriber subscriber, Hub hub, int maxTopics) {
        this.session = Objects.requireNonNull(session, "session");
        this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
        this.hub = Objects.requireNonNull(hub, "hub");
        this.maxTopics = maxTopics;
    }

    /** A topic held by a subscribe whose hook has not answered yet: not in the hub, not in presence. */
    static final class Hold {
        private Hold() {
        }
    }

    /** Tells {@code topicListener} from now on which topics the session takes and lets go. */
    void listenWith(TopicListener topicListener) {
        this.listener = Objects.requireNonNull(topicListener, "topicListener");
    }

    /** Why {@code topic} cannot be taken now (closed, already held, or too many topics), or null when it can. */
    ServerSubscribe refusal(String topic) {
        if (closed) {
            return ServerSubscribe.CLOSED;
        }
        if (topics.containsKey(topic)) {
            return ServerSubscribe.ALREADY_SUBSCRIBED;
        }
        return topics.size() >= maxTopics ? ServerSubscribe.TOO_MANY_TOPICS : null;
    }

    /**
     * Takes {@code topic} at once and subscribes the hub and presence to it ({@code since}: the position to recover
     * from, or null); a failure, thrown or in the stage, takes the topic back. Call only after {@link #refusal} found
     * nothing.
     */
    CompletionStage<Subscription> join(String topic, Position since) {
        Object token = new Object();
        String name = hub.sharedName(topic);
        topics.put(name, token);
        return activate(name, token, since);
    }

    /** Holds {@code topic} while its subscribe hook is asked; call only after {@link #refusal} found nothing. */
    Hold holdForHook(String topic) {
        Hold hold = new Hold();
        topics.put(hub.sharedName(topic), hold);
        return hold;
    }

    /**
     * The hook let the subscribe of {@code hold} through: subscribes the hub and presence as {@link #join} does, or
     * returns null when the hold is gone (the topic was let go, or the session closed, meanwhile).
     */
    CompletionStage<Subscription> confirmHook(String topic, Hold hold, Position since) {
        Object token = new Object();
        if (closed || !topics.replace(topic, hold, token)) {
            return null;
        }
        return activate(topic, token, since);
    }

    /** The hook refused the subscribe of {@code hold}: the topic is free again (unless something else took it). */
    void dropHook(String topic, Hold hold) {
        topics.remove(topic, hold);
    }

    /** Lets {@code topic} go (out of the hub and presence, unless only held for a hook); false when not held. */
    boolean leave(String topic) {
        Object token = topics.remove(topic);
        if (token == null) {
            return false;
        }
        if (!(token instanceof Hold)) {
            hub.unsubscribe(topic, subscriber);
            listener.unsubscribed(session, topic, token);
        }
        return true;
    }

    /** Closes the session's topic set: lets every topic go, and refuses any from now on. Harmless when repeated. */
    void closeAll() {
        closed = true;
        for (String topic : topics.keys()) {
            leave(topic);
        }
    }

    /** The subscriber that stands for the session in the hub. */
    Subscriber subscriber() {
        return subscriber;
    }

    /** Whether {@link #closeAll} was called. */
    boolean closed() {
        return closed;
    }

    /** The topics held now, including those held for a hook (a copy). */
    Set<String> names() {
        return Set.copyOf(topics.keys());
    }

    /**
     * Subscribes the hub and presence to the topic that {@code token} now holds; a failure (thrown or in the stage)
     * takes the topic back, so that the session is never left half-subscribed. The stage waits for the presence
     * entry too (best effort: the listener's stage never fails).
     */
    private CompletionStage<Subscription> activate(String topic, Object token, Position since) {
        CompletionStage<Void> recorded = listener.subscribed(session, topic, token);
        CompletionStage<Subscription> active;
        try {
            active = hub.subscribe(topic, subscriber, since);
        } catch (RuntimeException e) {
            release(topic, token);
            throw e;
        }
        return active.thenCombine(recorded, (subscription, ignored) -> subscription)
                .whenComplete((subscription, failure) -> {
                    if (failure != null) {
                        // The hub has already dropped this subscriber; the session forgets the topic too.
                        release(topic, token);
                    }
                });
    }

    private void release(String topic, Object token) {
        if (topics.remove(topic, token)) {
            listener.unsubscribed(session, topic, token);
        }
    }
}
