package io.crier.cluster.redis;

import static io.crier.cluster.redis.RedisLink.dispatch;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.ControlChannel;
import io.crier.cluster.ControlListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ControlChannel} of a fleet: classic Redis pub/sub on the channel {@link #channelName(String)}
 * ({@code crier.control} for the prefix {@code crier:}), outside the topics' {@code prefix + topic} channels, so
 * that no topic can be named into it. Classic {@code PUBLISH} reaches every subscriber in standalone and Sentinel
 * mode and on every node of a Redis Cluster. One pub/sub connection listens and one command connection sends;
 * both reconnect on their own, and each (re)activation of the subscription is reported to the listener
 * ({@link ControlListener#resubscribed()}) once Redis confirmed the {@code SUBSCRIBE}.
 *
 * <p>Thread-safe. Listener calls run on Lettuce's I/O threads. Do not call {@link #close()} from one.
 */
public final class RedisControlChannel implements ControlChannel {

    private static final Logger log = LoggerFactory.getLogger(RedisControlChannel.class);

    private final RedisLink link;
    private final String channel;
    private volatile ControlListener listener;
    private volatile StatefulRedisPubSubConnection<String, byte[]> pubSub;
    private volatile CommandConnection commands;
    private volatile boolean closed;

    /** A control channel on the node's {@code link}; nothing connects before {@link #start}. */
    public RedisControlChannel(RedisLink link) {
        this.link = Objects.requireNonNull(link, "link");
        this.channel = channelName(link.config().prefix());
    }

    /** The Redis channel of the control messages for the topic prefix {@code prefix}. */
    public static String channelName(String prefix) {
        return base(prefix) + ".control";
    }

    /** {@code prefix} without its trailing {@code :} (the separator of topics), the base of the fleet's own names. */
    static String base(String prefix) {
        return prefix.endsWith(":") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    @Override
    public synchronized void start(ControlListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (this.listener != null) {
            throw new IllegalStateException("start() was already called");
        }
        this.listener = listener;
        // The command connection first: once the listener hears it is subscribed, sending works too.
        link.openCommands("control", opened -> {
            commands = opened;
            link.openBroadcastPubSub("control pub/sub", this::adoptPubSub, this::firstFailure, () -> closed);
        }, this::firstFailure, () -> closed);
    }

    @Override
    public CompletionStage<Void> send(byte[] message) {
        Objects.requireNonNull(message, "message");
        if (closed) {
            return CompletableFuture.failedFuture(new BrokerUnavailableException("the control channel is closed"));
        }
        return RedisLink.call(commands, "PUBLISH " + channel, redis -> redis.publish(channel, message))
                .thenApply(ignored -> null);
    }

    @Override
    public void close() {
        closed = true;
        RedisLink.closeQuietly(pubSub);
        CommandConnection open = commands;
        if (open != null) {
            open.close();
        }
    }

    private void firstFailure(Throwable error) {
        log.debug("the control channel could not connect yet; retrying", error);
    }

    private void adoptPubSub(StatefulRedisPubSubConnection<String, byte[]> connection) {
        pubSub = connection;
        connection.addListener(new Messages());
        connection.addListener(RedisLink.onLinkChange(this::subscribe, () -> { }));
        subscribe();
    }

    /** (Re)subscribes; the listener hears {@code resubscribed} once Redis confirmed (from {@link Messages}). */
    private void subscribe() {
        StatefulRedisPubSubConnection<String, byte[]> connection = pubSub;
        if (connection == null || closed) {
            return;
        }
        dispatch(() -> connection.async().subscribe(channel)).whenComplete((ignored, error) -> {
            if (error != null && !closed) {
                log.debug("SUBSCRIBE {} failed; trying again", channel, error);
                link.later(this::subscribe, link.config().reconnectMinDelay());
            }
        });
    }

    /** Hands the control channel's messages and confirmations to the listener. */
    private final class Messages extends RedisPubSubAdapter<String, byte[]> {

        @Override
        public void message(String from, byte[] payload) {
            if (channel.equals(from)) {
                listener.message(payload);
            }
        }

        @Override
        public void subscribed(String to, long count) {
            if (channel.equals(to)) {
                listener.resubscribed();
            }
        }
    }
}
