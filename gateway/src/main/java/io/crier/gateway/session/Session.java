package io.crier.gateway.session;

import static io.crier.gateway.session.Replies.done;
import static io.crier.gateway.session.Replies.error;

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
import io.crier.protocol.ErrorCode;
import io.crier.protocol.HookKind;
import io.crier.protocol.Position;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server state of one authenticated (or anonymous) WebSocket connection, and the handling of its
 * commands: permission checks ({@link TopicPolicy}), the per-session topic limit, the calls into the {@link Hub},
 * and {@code refresh}, which replaces the session's user with the one of a new token for the same {@code sub}
 * ({@link SessionUser}). Has no Netty types; the transport feeds it commands and writes its replies.
 *
 * <p>A refresh changes what future commands may do; topics the session is already subscribed to are kept
 * even when the new claims would no longer allow them (to revoke them, disconnect the session: the client
 * subscribes again under its new token).
 *
 * <p>The topic set ({@link SessionTopics}) changes when a command is handled, not when the broker answers: a
 * {@code subscribe} counts at once (so a second one is {@code already_subscribed}, and an {@code unsubscribe} right
 * after it works even while the broker call is pending); a subscribe the broker then refuses is taken back.
 * Error messages are short and fixed, and never echo what the client sent.
 *
 * <p>Server-side subscriptions ({@link #openServerSubscriptions}, {@link #subscribeFromServer},
 * {@link #unsubscribeFromServer}, done by {@link ServerSideTopics}) take topics the same way, with no permission
 * check, and announce them with {@code subscribed}/{@code unsubscribed} pushes through the transport's
 * {@link PushChannel}.
 *
 * <p>In a namespace whose subscribe or publish proxy hook is on ({@link SessionHooks}), the backend decides in place
 * of the token's claims (the namespace's own rules still apply first), and the reply waits for it without holding
 * up the session's other commands: a subscribe holds its topic while it waits ({@link SessionTopics#holdForHook}),
 * and an {@code unsubscribe} meanwhile drops it. An {@code rpc} command is answered by the rpc hook of its method's
 * namespace, {@code not_available} without one.
 *
 * <p>Confined to the session's event loop for {@link #handle}, {@link #openServerSubscriptions}, {@link #renew} and
 * {@link #close}; the returned stages may complete on broker threads, and then only take back a failed topic.
 * {@link #subscribeFromServer} and {@link #unsubscribeFromServer} may be called from any thread (they hop to the
 * session's thread); {@link #topics()} and {@link #user()} may be read from any thread.
 */
public final class Session {

    /** The reason of a refused {@code refresh} whose token is valid but names another {@code sub}. */
    public static final String OTHER_USER = "other_user";

    private static final Logger log = LoggerFactory.getLogger(Session.class);
    private static final String UNAVAILABLE = "broker unavailable, retry later";

    private final String id;
    private final Hub hub;
    private final SessionPolicy policy;
    private final SessionTopics topics;
    private final SessionUser user;
    private final PendingActivations activations;
    /** Carries this session's pushes and runs its server-side subscribes ({@link ServerSideTopics}). */
    private volatile PushChannel pushes = PushChannel.NONE;
    private volatile PresenceResponder presence = PresenceResponder.NONE;
    private SessionHooks hooks = SessionHooks.NONE;

    public Session(String id, User user, Subscriber subscriber, Hub hub, SessionPolicy policy) {
        this.id = Objects.requireNonNull(id, "id");
        this.hub = Objects.requireNonNull(hub, "hub");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.topics = new SessionTopics(this, Objects.requireNonNull(subscriber, "subscriber"), hub,
                policy.maxTopics());
        this.user = new SessionUser(user, policy.verifier(), topics);
        this.activations = new PendingActivations();
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
                return done(user.refresh(refresh));
            }
            if (command instanceof Command.Presence query) {
                return presence.answer(user.current(), query);
            }
            if (command instanceof Command.History query) {
                return HistoryQueries.answer(hub, policy.topics(), user.current(), query);
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
        user.watchExpiry(tokenLifetime);
    }

    /**
     * Tells {@code listener} from now on which topics this session takes and lets go, and lets
     * {@code responder} answer its {@code presence} commands. Set once, right after construction.
     */
    public void trackPresence(TopicListener listener, PresenceResponder responder) {
        topics.listenWith(listener);
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
        user.renew(expiresAt);
    }

    /**
     * Tells {@code refusals} from now on why each refused {@code refresh} was refused: a reason tag of
     * {@link MeterCatalog#AUTH_FAILURES} ({@code expired}, {@code bad_signature}...), or {@code other_user} for a valid
     * token of another user; never token content. For the connection log; called on the session's event loop.
     * Set once, right after construction.
     */
    public void reportRefreshRefusals(Consumer<String> refusals) {
        user.reportRefusals(refusals);
    }

    /** Leaves every topic and cancels the expiry timers; called when the connection closes, harmless when repeated. */
    public void close() {
        topics.closeAll();
        activations.clear();
        user.cancel();
    }

    /**
     * Tells the session that the transport wrote {@code reply} (called on the session's event loop, for every
     * reply, right after the write): a subscribe to a topic with history goes live only now, so that the
     * publications it missed follow its reply on the wire.
     */
    public void replyWritten(Reply reply) {
        activations.written(reply, hub);
    }

    /** Lets {@code channel} carry this session's pushes and run its server-side subscribes; set after construction. */
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
        return serverSide().open(user.current(), since);
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
        return serverSide().subscribe(topic, since);
    }

    /**
     * Takes this live session off {@code topic} from the server side (the server API), whether a client
     * {@code subscribe} or the server put it there, and sends it an {@code unsubscribed} push. Safe to call from any
     * thread; the stage completes with whether the session held the topic (false: nothing changed, no push).
     */
    public CompletionStage<Boolean> unsubscribeFromServer(String topic) {
        return serverSide().unsubscribe(topic);
    }

    private ServerSideTopics serverSide() {
        return new ServerSideTopics(topics, activations, hub, policy.topics(), pushes);
    }

    /** The session id. */
    public String id() {
        return id;
    }

    /** The current user: the one of the latest accepted token, or {@link User#ANONYMOUS}. */
    public User user() {
        return user.current();
    }

    /** The subscriber that stands for this session in the hub (its topics hold it: one field less here). */
    public Subscriber subscriber() {
        return topics.subscriber();
    }

    /** The topics this session is subscribed to now (a copy). */
    public Set<String> topics() {
        return topics.names();
    }

    private CompletionStage<Reply> subscribe(Command.Subscribe command) {
        String topic = command.topic();
        boolean hooked = hooks.on(HookKind.SUBSCRIBE, topic);
        Verdict verdict = policy.topics().subscribe(user.current(), topic);
        if (!verdict.allowed() && !(hooked && verdict == Verdict.DENIED_NO_CLAIM)) {
            return done(error(command.id(), ErrorCode.FORBIDDEN, "subscribe refused: " + verdict.message()));
        }
        ServerSubscribe refusal = topics.refusal(topic);
        if (refusal != null) {
            return done(Replies.subscribeRefused(command.id(), refusal));
        }
        return hooked ? subscribeThroughHook(command) : replyTo(command, topics.join(topic, command.since()));
    }

    /** Holds the topic while the subscribe hook is asked, then subscribes, or lets it go when refused. */
    private CompletionStage<Reply> subscribeThroughHook(Command.Subscribe command) {
        String topic = command.topic();
        SessionTopics.Hold hold = topics.holdForHook(topic);
        return hooks.subscribe(user.current(), topic).thenCompose(answer -> {
            if (answer.result() == null) {
                topics.dropHook(topic, hold);
                return done(hooks.refusal(command.id(), answer));
            }
            try {
                CompletionStage<Subscription> joined = topics.confirmHook(topic, hold, command.since());
                return joined != null ? replyTo(command, joined) : done(error(command.id(),
                        ErrorCode.NOT_SUBSCRIBED, "unsubscribed before the subscribe completed"));
            } catch (RuntimeException e) {
                log.warn("subscribe failed", e);
                return done(error(command.id(), ErrorCode.INTERNAL, "internal error"));
            }
        });
    }

    /** The reply to {@code command} once {@code joined} completes ({@code since} is ignored without history). */
    private CompletionStage<Reply> replyTo(Command.Subscribe command, CompletionStage<Subscription> joined) {
        return joined.handle((subscription, failure) -> failure == null
                ? activations.replyFor(command.id(), subscription)
                : Replies.failure(command.id(), failure, "subscribe", UNAVAILABLE));
    }

    private Reply unsubscribe(Command.Unsubscribe command) {
        return topics.leave(command.topic()) ? new Reply.Ok(command.id())
                : error(command.id(), ErrorCode.NOT_SUBSCRIBED, "not subscribed to this topic");
    }

    private CompletionStage<Reply> publish(Command.Publish command) {
        boolean hooked = hooks.on(HookKind.PUBLISH, command.topic());
        Verdict verdict = policy.topics().publish(user.current(), command.topic());
        if (!verdict.allowed() && !(hooked && verdict == Verdict.DENIED_NO_CLAIM)) {
            return done(error(command.id(), ErrorCode.FORBIDDEN, "publish refused: " + verdict.message()));
        }
        if (!hooked) {
            return publish(command, command.data());
        }
        return hooks.publish(user.current(), command.topic(), command.data()).thenCompose(answer ->
                answer.result() == null
                ? done(hooks.refusal(command.id(), answer))
                : publish(command, answer.result().data() != null ? answer.result().data() : command.data()));
    }

    private CompletionStage<Reply> publish(Command.Publish command, RawJson data) {
        return hub.publish(command.topic(), data).handle((ignored, failure) -> failure == null
                ? new Reply.Ok(command.id())
                : Replies.failure(command.id(), failure, "publish", UNAVAILABLE));
    }

    /** Answered by the rpc hook of the method's namespace: its result's data, or its refusal. */
    private CompletionStage<Reply> rpc(Command.Rpc command) {
        if (!hooks.on(HookKind.RPC, command.method())) {
            return done(error(command.id(), ErrorCode.NOT_AVAILABLE, "rpc is not available for this method"));
        }
        return hooks.rpc(user.current(), command.method(), command.data()).thenApply((HookAnswer answer) ->
                answer.result() == null ? hooks.refusal(command.id(), answer)
                        : new Reply.RpcResult(command.id(), answer.result().data()));
    }
}
