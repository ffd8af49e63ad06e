package io.crier.gateway.session;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.gateway.auth.User;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.Subscriber;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.Reply;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server state of one authenticated WebSocket connection, and the handling of its commands:
 * permission checks against the user's claims, the per-session topic limit, and the calls into the
 * {@link Hub}. Has no Netty types; the transport feeds it commands and writes its replies.
 *
 * <p>The topic set changes when a command is handled, not when the broker answers: a {@code subscribe}
 * counts at once (so a second one is {@code already_subscribed}, and an {@code unsubscribe} right after it
 * works even while the broker call is pending); a subscribe the broker then refuses is taken back.
 * Error messages are short and fixed, and never echo what the client sent.
 *
 * <p>Confined to the session's event loop for {@link #handle} and {@link #close}; the returned stages may
 * complete on broker threads, and then only take back a failed topic (the topic set is concurrent for
 * that reason). {@link #topics()} may be read from any thread.
 *
 * @param <S> the transport's subscriber type
 */
public final class Session<S extends Subscriber> {

    private static final Logger log = LoggerFactory.getLogger(Session.class);

    private final String id;
    private final User user;
    private final S subscriber;
    private final Hub<S> hub;
    private final int maxTopics;
    /**
     * Each topic, mapped to a token of the subscribe that added it, so that a late broker failure takes
     * back only its own subscribe, not a newer one of the same topic.
     */
    private final ConcurrentMap<String, Object> topics = new ConcurrentHashMap<>();
    private boolean closed;

    public Session(String id, User user, S subscriber, Hub<S> hub, int maxTopics) {
        this.id = Objects.requireNonNull(id, "id");
        this.user = Objects.requireNonNull(user, "user");
        this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
        this.hub = Objects.requireNonNull(hub, "hub");
        if (maxTopics < 1) {
            throw new IllegalArgumentException("maxTopics must be at least 1");
        }
        this.maxTopics = maxTopics;
    }

    /**
     * Handles one command and returns its reply: {@code ok}, or an error reply ({@code forbidden},
     * {@code already_subscribed}, {@code not_subscribed}, {@code too_many_topics}, {@code unavailable},
     * {@code internal}, {@code already_authenticated} for a second {@code auth}). Never completes
     * exceptionally.
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
            return done(error(command.id(), ErrorCode.ALREADY_AUTHENTICATED, "already authenticated"));
        } catch (RuntimeException e) {
            // A bug in the hub or the broker must cost this one command, not the connection.
            log.warn("command {} failed", command.type(), e);
            return done(error(command.id(), ErrorCode.INTERNAL, "internal error"));
        }
    }

    /** Leaves every topic; called once when the connection closes, and harmless when called again. */
    public void close() {
        closed = true;
        for (String topic : topics.keySet()) {
            topics.remove(topic);
            hub.unsubscribe(topic, subscriber);
        }
    }

    /** The session id. */
    public String id() {
        return id;
    }

    /** The authenticated user. */
    public User user() {
        return user;
    }

    /** The subscriber that stands for this session in the hub. */
    public S subscriber() {
        return subscriber;
    }

    /** The topics this session is subscribed to now (a copy). */
    public Set<String> topics() {
        return Set.copyOf(topics.keySet());
    }

    private CompletionStage<Reply> subscribe(Command.Subscribe command) {
        String topic = command.topic();
        if (!user.subscribe().allows(topic)) {
            return done(error(command.id(), ErrorCode.FORBIDDEN, "not allowed to subscribe to this topic"));
        }
        if (closed) {
            return done(error(command.id(), ErrorCode.UNAVAILABLE, "session is closed"));
        }
        if (topics.containsKey(topic)) {
            return done(error(command.id(), ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to this topic"));
        }
        if (topics.size() >= maxTopics) {
            return done(error(command.id(), ErrorCode.TOO_MANY_TOPICS, "too many topics for one session"));
        }
        Object token = new Object();
        topics.put(topic, token);
        CompletionStage<Void> active;
        try {
            active = hub.subscribe(topic, subscriber);
        } catch (RuntimeException e) {
            topics.remove(topic, token);
            throw e;
        }
        return active.handle((ignored, failure) -> {
            if (failure == null) {
                return new Reply.Ok(command.id());
            }
            // The hub has already dropped this subscriber; the session forgets the topic too.
            topics.remove(topic, token);
            return failureReply(command.id(), failure, "subscribe");
        });
    }

    private Reply unsubscribe(Command.Unsubscribe command) {
        if (topics.remove(command.topic()) == null) {
            return error(command.id(), ErrorCode.NOT_SUBSCRIBED, "not subscribed to this topic");
        }
        hub.unsubscribe(command.topic(), subscriber);
        return new Reply.Ok(command.id());
    }

    private CompletionStage<Reply> publish(Command.Publish command) {
        if (!user.publish().allows(command.topic())) {
            return done(error(command.id(), ErrorCode.FORBIDDEN, "not allowed to publish to this topic"));
        }
        return hub.publish(command.topic(), command.data()).handle((ignored, failure) -> failure == null
                ? new Reply.Ok(command.id())
                : failureReply(command.id(), failure, "publish"));
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
