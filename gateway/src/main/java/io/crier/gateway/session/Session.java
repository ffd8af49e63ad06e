package io.crier.gateway.session;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.auth.User;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.Subscriber;
import io.crier.gateway.hub.Subscription;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.gateway.permission.TopicPolicy;
import io.crier.gateway.permission.Verdict;
import io.crier.gateway.proxy.HookAnswer;
import io.crier.gateway.proxy.SessionHooks;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.HookKind;
import io.crier.protocol.Position;
import io.crier.protocol.Push;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import io.crier.protocol.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server state of one authenticated (or anonymous) WebSocket connection, and the handling of its
 * commands: permission checks ({@link io.crier.gateway.permission.TopicPolicy}), the per-session topic
 * limit, the calls into the {@link Hub}, and {@code refresh}, which replaces the session's user with the one
 * of a new token for the same {@code sub}. Has no Netty types; the transport feeds it commands and writes
 * its replies.
 *
 * <p>A refresh changes what future commands may do; topics the session is already subscribed to are kept
 * even when the new claims would no longer allow them (to revoke them, disconnect the session: the client
 * subscribes again under its new token).
 *
 * <p>The topic set changes when a command is handled, not when the broker answers: a {@code subscribe}
 * counts at once (so a second one is {@code already_subscribed}, and an {@code unsubscribe} right after it
 * works even while the broker call is pending); a subscribe the broker then refuses is taken back.
 * Error messages are short and fixed, and never echo what the client sent.
 *
 * <p>Server-side subscriptions ({@link #openServerSubscriptions}, {@link #subscribeFromServer},
 * {@link #unsubscribeFromServer}) take topics the same way, with no permission check, and announce them with
 * {@code subscribed}/{@code unsubscribed} pushes through the transport's {@link PushChannel}.
 *
 * <p>In a namespace whose subscribe or publish proxy hook is on ({@link SessionHooks}), the backend decides in place
 * of the token's claims (the namespace's own rules still apply first), and the reply waits for it without holding
 * up the session's other commands: a subscribe holds its topic while it waits (so it counts against the topic
 * limit and a second one is {@code already_subscribed}), and an {@code unsubscribe} meanwhile drops it. An
 * {@code rpc} command is answered by the rpc hook of its method's namespace, {@code not_available} without one.
 *
 * <p>Confined to the session's event loop for {@link #handle}, {@link #openServerSubscriptions} and {@link #close};
 * the returned stages may complete on broker threads, and then only take back a failed topic (the topic set is
 * concurrent for that reason). {@link #subscribeFromServer} and {@link #unsubscribeFromServer} may be called from
 * any thread (they hop to the session's thread); {@link #topics()} and {@link #user()} may be read from any
 * thread.
 */
public final class Session {

    /** The reason of a refused {@code refresh} whose token is valid but names another {@code sub}. */
    public static final String OTHER_USER = "other_user";

    private static final Logger log = LoggerFactory.getLogger(Session.class);

    private final String id;
    private final Subscriber subscriber;
    private final Hub hub;
    private final SessionPolicy policy;
    private volatile User user;
    private TokenLifetime lifetime;
    /**
     * Each topic, mapped to a token of the subscribe that added it, so that a late broker failure takes
     * back only its own subscribe, not a newer one of the same topic.
     */
    private final ConcurrentMap<String, Object> topics = new ConcurrentHashMap<>();
    private boolean closed;
    private volatile TopicListener topicListener = TopicListener.NONE;
    private volatile PresenceResponder presence = PresenceResponder.NONE;
    private volatile PushChannel pushes = PushChannel.NONE;
    private Consumer<String> refreshRefusals = reason -> { };
    private final PendingActivations activations;
    private SessionHooks hooks = SessionHooks.NONE;
    private final HistoryQueries history;

    public Session(String id, User user, Subscriber subscriber, Hub hub, SessionPolicy policy) {
        this.id = Objects.requireNonNull(id, "id");
        this.user = Objects.requireNonNull(user, "user");
        this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
        this.hub = Objects.requireNonNull(hub, "hub");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.activations = new PendingActivations(hub);
        this.history = new HistoryQueries(hub, policy.topics());
    }

    /**
     * Handles one command and returns its reply: {@code ok}, or an error reply ({@code forbidden},
     * {@code already_subscribed}, {@code not_subscribed}, {@code too_many_topics}, {@code unavailable},
     * {@code internal}, {@code already_authenticated} for a second {@code auth}, {@code invalid_token} for
     * a refused {@code refresh}); a {@code presence} command is answered by the {@link PresenceResponder} of
     * {@link #trackPresence} ({@code not_available} without one); where a proxy hook is asked, {@code refused} (the
     * backend's error), {@code unavailable} (the backend failed) or, for an {@code rpc} without a hook,
     * {@code not_available}. Never completes exceptionally.
     */
    public CompletionStage<Reply> handle(Command command) {
        Objects.requireNonNull(command, "command");
        try {
            if (command instanceof Command.Subscribe subscribe) {
                return subscribe(subscribe);
            }
            if (command instanceof Command.Unsubscribe unsubscribe) {
                return done(unsubscribe(unsubscribe));
            }
            if (command instanceof Command.Publish publish) {
                return publish(publish);
            }
            if (command instanceof Command.Ping ping) {
                return done(new Reply.Ok(ping.id()));
            }
            if (command instanceof Command.Refresh refresh) {
                return done(refresh(refresh));
            }
            if (command instanceof Command.Presence query) {
                return presence.answer(user, query);
            }
            if (command instanceof Command.History query) {
                return history.answer(user, query);
            }
            if (command instanceof Command.Rpc rpc) {
                return rpc(rpc);
            }
            return done(error(command.id(), ErrorCode.ALREADY_AUTHENTICATED, "already authenticated"));
        } catch (RuntimeException e) {
            // A bug in the hub or the broker must cost this one command, not the connection.
            log.warn("command {} failed", command.type(), e);
            return done(error(command.id(), ErrorCode.INTERNAL, "internal error"));
        }
    }

    /**
     * Lets {@code tokenLifetime} watch this session's token from now on: it is started for the current user
     * at once, restarted on each accepted {@code refresh}, and cancelled by {@link #close()}.
     */
    public void watchExpiry(TokenLifetime tokenLifetime) {
        Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        if (lifetime != null) {
            lifetime.cancel();
        }
        lifetime = tokenLifetime;
        if (!closed) {
            lifetime.track(user);
        }
    }

    /**
     * Tells {@code listener} from now on which topics this session takes and lets go, and lets
     * {@code responder} answer its {@code presence} commands. Set once, right after construction.
     */
    public void trackPresence(TopicListener listener, PresenceResponder responder) {
        this.topicListener = Objects.requireNonNull(listener, "listener");
        this.presence = Objects.requireNonNull(responder, "responder");
    }

    /** Lets {@code sessionHooks} ask the backend from now on. Set once, right after construction. */
    public void useHooks(SessionHooks sessionHooks) {
        this.hooks = Objects.requireNonNull(sessionHooks, "sessionHooks");
    }

    /**
     * Moves the session's expiry to {@code expiresAt}, as the backend's refresh hook answered, and restarts the
     * expiry timers; on the session's event loop.
     */
    public void renew(Instant expiresAt) {
        User current = user;
        user = new User(current.id(), current.subscribe(), current.publish(), expiresAt, current.info(),
                current.topics(), current.tokenId(), current.issuedAt());
        if (lifetime != null && !closed) {
            lifetime.track(user);
        }
    }

    /**
     * Tells {@code refusals} from now on why each refused {@code refresh} was refused: a reason tag of
     * {@link MeterCatalog#AUTH_FAILURES} ({@code expired}, {@code bad_signature}...), or {@code other_user} for a valid
     * token of another user; never token content. For the connection log; called on the session's event loop.
     * Set once, right after construction.
     */
    public void reportRefreshRefusals(Consumer<String> refusals) {
        this.refreshRefusals = Objects.requireNonNull(refusals, "refusals");
    }

    /**
     * Leaves every topic and cancels the expiry timers; called once when the connection closes, and
     * harmless when called again.
     */
    public void close() {
        closed = true;
        activations.clear();
        if (lifetime != null) {
            lifetime.cancel();
        }
        for (String topic : topics.keySet()) {
            Object token = topics.remove(topic);
            if (token instanceof AwaitingHook) {
                continue;
            }
            hub.unsubscribe(topic, subscriber);
            if (token != null) {
                topicListener.unsubscribed(this, topic, token);
            }
        }
    }

    /**
     * Tells the session that the transport wrote {@code reply} (called on the session's event loop, for every
     * reply, right after the write): a subscribe to a topic with history goes live only now, so that the
     * publications it missed follow its reply on the wire.
     */
    public void replyWritten(Reply reply) {
        activations.written(reply);
    }

    /**
     * Lets {@code channel} carry the pushes this session makes itself and run its server-side subscribes on the
     * session's thread. Set once, right after construction.
     */
    public void sendPushesTo(PushChannel channel) {
        this.pushes = Objects.requireNonNull(channel, "channel");
    }

    /**
     * Subscribes this session to its server-side topics ({@link TopicPolicy#serverTopics}) as it opens, each
     * recovering from its position in {@code since} when there is one (other entries are ignored); each gets a
     * {@code subscribed} push. On the session's event loop, after {@code welcome} and the {@code auth} reply. The
     * stage completes with true once every one is subscribed (or was already), false when any failed: the caller
     * then closes the session, so that it is never left with only some of them.
     */
    public CompletionStage<Boolean> openServerSubscriptions(Map<String, Position> since) {
        List<CompletableFuture<ServerSubscribe>> outcomes = new ArrayList<>();
        for (String topic : policy.topics().serverTopics(user)) {
            outcomes.add(subscribeHere(topic, since.get(topic)).toCompletableFuture());
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> outcomes.stream().allMatch(outcome -> outcome.join().holds()));
    }

    /**
     * Subscribes this live session to {@code topic} from the server side (the server API): no permission check
     * (the backend decided), but the topic limit applies; the session gets a {@code subscribed} push (then, on a
     * topic with history, the publications after {@code since}, when given and still in history). Safe to call from
     * any thread; the stage completes once the push is written, or with why nothing changed. Never fails.
     *
     * @param since the position to recover from, or {@code null}
     */
    public CompletionStage<ServerSubscribe> subscribeFromServer(String topic, Position since) {
        Topics.requireValid(topic);
        CompletableFuture<ServerSubscribe> outcome = new CompletableFuture<>();
        if (!pushes.execute(() -> subscribeHere(topic, since).whenComplete((done, failure) ->
                outcome.complete(failure == null ? done : ServerSubscribe.FAILED)))) {
            outcome.complete(ServerSubscribe.CLOSED);
        }
        return outcome;
    }

    /**
     * Takes this live session off {@code topic} from the server side (the server API), whether a client
     * {@code subscribe} or the server put it there, and sends it an {@code unsubscribed} push. Safe to call from any
     * thread; the stage completes with whether the session held the topic (false: nothing changed, no push).
     */
    public CompletionStage<Boolean> unsubscribeFromServer(String topic) {
        Topics.requireValid(topic);
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        if (!pushes.execute(() -> {
            boolean held = !closed && leave(topic);
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
        ServerSubscribe refusal = refusal(topic);
        if (refusal != null) {
            return CompletableFuture.completedFuture(refusal);
        }
        CompletableFuture<ServerSubscribe> outcome = new CompletableFuture<>();
        try {
            join(topic, since).whenComplete((subscription, failure) -> {
                if (failure != null) {
                    log.debug("server-side subscribe failed", failure);
                    outcome.complete(ServerSubscribe.FAILED);
                    return;
                }
                Push.Subscribed push = activations.pushFor(subscription);
                if (!pushes.execute(() -> {
                    pushes.send(push);
                    activations.written(push);
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

    /** The session id. */
    public String id() {
        return id;
    }

    /** The current user: the one of the latest accepted token, or {@link User#ANONYMOUS}. */
    public User user() {
        return user;
    }

    /** The subscriber that stands for this session in the hub. */
    public Subscriber subscriber() {
        return subscriber;
    }

    /** The topics this session is subscribed to now (a copy). */
    public Set<String> topics() {
        return Set.copyOf(topics.keySet());
    }

    private CompletionStage<Reply> subscribe(Command.Subscribe command) {
        String topic = command.topic();
        boolean hooked = hooks.on(HookKind.SUBSCRIBE, topic);
        Verdict verdict = policy.topics().subscribe(user, topic);
        if (!verdict.allowed() && !(hooked && verdict == Verdict.DENIED_NO_CLAIM)) {
            return done(error(command.id(), ErrorCode.FORBIDDEN, "subscribe refused: " + verdict.message()));
        }
        ServerSubscribe refusal = refusal(topic);
        if (refusal == ServerSubscribe.CLOSED) {
            return done(error(command.id(), ErrorCode.UNAVAILABLE, "session is closed"));
        }
        if (refusal == ServerSubscribe.ALREADY_SUBSCRIBED) {
            return done(error(command.id(), ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to this topic"));
        }
        if (refusal == ServerSubscribe.TOO_MANY_TOPICS) {
            return done(error(command.id(), ErrorCode.TOO_MANY_TOPICS, "too many topics for one session"));
        }
        if (hooked) {
            AwaitingHook awaiting = new AwaitingHook();
            topics.put(topic, awaiting);
            return hooks.subscribe(user, topic).thenCompose(answer -> {
                if (answer.result() == null) {
                    topics.remove(topic, awaiting);
                    return done(hooks.refusal(command.id(), answer));
                }
                Object token = new Object();
                if (closed || !topics.replace(topic, awaiting, token)) {
                    return done(error(command.id(), ErrorCode.NOT_SUBSCRIBED,
                            "unsubscribed before the subscribe completed"));
                }
                try {
                    return replyTo(command, activate(topic, token, command.since()));
                } catch (RuntimeException e) {
                    log.warn("subscribe failed", e);
                    return done(error(command.id(), ErrorCode.INTERNAL, "internal error"));
                }
            });
        }
        return replyTo(command, join(topic, command.since()));
    }

    /** The reply to {@code command} once {@code joined} completes ({@code since} is ignored without history). */
    private CompletionStage<Reply> replyTo(Command.Subscribe command, CompletionStage<Subscription> joined) {
        return joined.handle((subscription, failure) -> failure == null
                ? activations.replyFor(command.id(), subscription)
                : failureReply(command.id(), failure, "subscribe"));
    }

    /** Why {@code topic} cannot be taken now, or null when it can; on the session's event loop. */
    private ServerSubscribe refusal(String topic) {
        if (closed) {
            return ServerSubscribe.CLOSED;
        }
        if (topics.containsKey(topic)) {
            return ServerSubscribe.ALREADY_SUBSCRIBED;
        }
        return topics.size() >= policy.maxTopics() ? ServerSubscribe.TOO_MANY_TOPICS : null;
    }

    /** Takes {@code topic} at once and subscribes the hub to it ({@link #activate}). */
    private CompletionStage<Subscription> join(String topic, Position since) {
        Object token = new Object();
        topics.put(topic, token);
        return activate(topic, token, since);
    }

    /** A topic held by a subscribe whose hook has not answered yet: not in the hub, not in presence. */
    private static final class AwaitingHook {
    }

    /**
     * Subscribes the hub and presence to the topic that {@code token} now holds in the topic set; a failure (thrown
     * or in the stage) takes the topic back, so that the session is never left half-subscribed. The stage waits for
     * the presence entry too (best effort: the listener's stage never fails).
     */
    private CompletionStage<Subscription> activate(String topic, Object token, Position since) {
        CompletionStage<Void> recorded = topicListener.subscribed(this, topic, token);
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
            topicListener.unsubscribed(this, topic, token);
        }
    }

    private Reply unsubscribe(Command.Unsubscribe command) {
        return leave(command.topic()) ? new Reply.Ok(command.id())
                : error(command.id(), ErrorCode.NOT_SUBSCRIBED, "not subscribed to this topic");
    }

    /** Lets {@code topic} go; false when the session did not hold it. */
    private boolean leave(String topic) {
        Object token = topics.remove(topic);
        if (token == null) {
            return false;
        }
        if (!(token instanceof AwaitingHook)) {
            hub.unsubscribe(topic, subscriber);
            topicListener.unsubscribed(this, topic, token);
        }
        return true;
    }

    private CompletionStage<Reply> publish(Command.Publish command) {
        boolean hooked = hooks.on(HookKind.PUBLISH, command.topic());
        Verdict verdict = policy.topics().publish(user, command.topic());
        if (!verdict.allowed() && !(hooked && verdict == Verdict.DENIED_NO_CLAIM)) {
            return done(error(command.id(), ErrorCode.FORBIDDEN, "publish refused: " + verdict.message()));
        }
        if (!hooked) {
            return publish(command, command.data());
        }
        return hooks.publish(user, command.topic(), command.data()).thenCompose(answer -> answer.result() == null
                ? done(hooks.refusal(command.id(), answer))
                : publish(command, answer.result().data() != null ? answer.result().data() : command.data()));
    }

    private CompletionStage<Reply> publish(Command.Publish command, RawJson data) {
        return hub.publish(command.topic(), data).handle((ignored, failure) -> failure == null
                ? new Reply.Ok(command.id())
                : failureReply(command.id(), failure, "publish"));
    }

    /** Answered by the rpc hook of the method's namespace: its result's data, or its refusal. */
    private CompletionStage<Reply> rpc(Command.Rpc command) {
        if (!hooks.on(HookKind.RPC, command.method())) {
            return done(error(command.id(), ErrorCode.NOT_AVAILABLE, "rpc is not available for this method"));
        }
        return hooks.rpc(user, command.method(), command.data()).thenApply((HookAnswer answer) ->
                answer.result() == null ? hooks.refusal(command.id(), answer)
                        : new Reply.RpcResult(command.id(), answer.result().data()));
    }

    /**
     * Accepts the new token only when it verifies and names the same {@code sub}; otherwise the old token
     * (and its expiry) stays. An anonymous session has no token to replace: {@code forbidden}.
     */
    private Reply refresh(Command.Refresh command) {
        if (user.isAnonymous()) {
            return error(command.id(), ErrorCode.FORBIDDEN,
                    "an anonymous session cannot refresh; reconnect with a token");
        }
        User renewed;
        try {
            renewed = policy.verifier().verify(command.token());
        } catch (InvalidTokenException e) {
            // A client mistake: the reply tells the client, the reason goes to the (rate-bounded) connection log.
            refreshRefusals.accept(e.reason().tag());
            return error(command.id(), ErrorCode.INVALID_TOKEN, "token refused; the current token stays");
        }
        if (!renewed.id().equals(user.id())) {
            refreshRefusals.accept(OTHER_USER);
            return error(command.id(), ErrorCode.INVALID_TOKEN, "token refused; the current token stays");
        }
        user = renewed;
        if (lifetime != null && !closed) {
            lifetime.track(renewed);
        }
        return new Reply.Ok(command.id());
    }

    private static Reply failureReply(CommandId id, Throwable failure, String operation) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof BrokerUnavailableException) {
            return error(id, ErrorCode.UNAVAILABLE, "broker unavailable, retry later");
        }
        // Converted to an internal-error reply; debug only, since a sick broker could fail every call.
        log.debug("{} failed", operation, cause);
        return error(id, ErrorCode.INTERNAL, "internal error");
    }

    private static Reply error(CommandId id, ErrorCode code, String message) {
        return new Reply.Error(id, code, message);
    }

    private static CompletionStage<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
