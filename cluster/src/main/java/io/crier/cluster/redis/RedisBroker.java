package io.crier.cluster.redis;

import static io.crier.cluster.redis.RedisLink.dispatch;
import static io.crier.cluster.redis.RedisLink.translate;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Broker} of a fleet: moves publications between nodes through Redis pub/sub, over one pub/sub
 * connection (SUBSCRIBE/UNSUBSCRIBE) and one command connection (PUBLISH). Topic {@code T} is the Redis
 * channel {@code prefix + T}; messages on channels without the prefix are ignored.
 *
 * <p>Both connections reconnect on their own with a bounded exponential backoff, also when Redis is down
 * at {@link #start}. After each reconnect the broker re-issues SUBSCRIBE for every wanted topic, and only
 * then reports {@link BrokerState#CONNECTED}. While the command connection is down, {@link #publish} fails
 * at once: Lettuce rejects commands instead of queueing them. At most {@code requestQueueSize}
 * publications wait for Redis at a time; more fail at once too.
 *
 * <p>Thread-safe. Listener callbacks run on Lettuce's I/O threads. Do not call {@link #close()} from one.
 */
public final class RedisBroker implements Broker {

    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

    private final RedisConfig config;
    private final RedisLink link;
    private final String prefix;
    /** Topics the caller wants: what Redis' subscriptions are brought back to after an outage. */
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    /** Orders "change {@link #wanted}, then send the command", so that Redis sees changes in call order. */
    private final Object subscriptionLock = new Object();
    /** The state, the listener and the bounded publish. Its lock is never taken while holding subscriptionLock. */
    private final BrokerLifecycle lifecycle;

    private volatile StatefulRedisPubSubConnection<String, byte[]> pubSub;
    private volatile CommandConnection commands;
    /** Where the pub/sub connection last (re)connected (the master the sentinels named, in Sentinel mode). */
    private volatile SocketAddress pubSubAddress;
    /** Whether the pub/sub link is up and every wanted topic was re-subscribed on it. */
    private volatile boolean pubSubReady;
    /** Bumped on each pub/sub activation and loss, so that a stale resubscription cannot mark it ready. */
    private long pubSubEpoch;

    /** Creates a broker on the node's {@code link}; nothing connects before {@link #start}. */
    public RedisBroker(RedisLink link) {
        this.link = Objects.requireNonNull(link, "link");
        this.config = link.config();
        this.prefix = config.prefix();
        this.lifecycle = new BrokerLifecycle(log, this::where, link.newInFlightLimit());
    }

    @Override
    public CompletionStage<Void> start(BrokerListener listener) {
        Objects.requireNonNull(listener, "listener");
        CompletionStage<Void> started = lifecycle.start(listener);
        link.openPubSub("pub/sub", this::adoptPubSub, lifecycle::failStart, lifecycle::closed);
        link.openCommands("command", this::adoptCommands, lifecycle::failStart, lifecycle::closed);
        return started;
    }

    /**
     * {@inheritDoc} The stage completes when Redis confirmed the SUBSCRIBE. If it fails (Redis is down,
     * for one), the topic stays wanted and is subscribed as soon as the link is back; call
     * {@link #unsubscribe} to give it up.
     */
    @Override
    public CompletionStage<Void> subscribe(String topic) {
        Objects.requireNonNull(topic, "topic");
        CompletionStage<Void> confirmed;
        synchronized (subscriptionLock) {
            if (lifecycle.closed()) {
                return BrokerLifecycle.unavailable("the broker is closed");
            }
            wanted.add(topic);
            StatefulRedisPubSubConnection<String, byte[]> connection = pubSub;
            if (connection == null) {
                return BrokerLifecycle.unavailable("not connected to Redis yet; subscribes once connected");
            }
            confirmed = dispatch(() -> connection.async().subscribe(prefix + topic));
        }
        return translate(confirmed, "SUBSCRIBE " + topic);
    }

    /**
     * {@inheritDoc} Completes at once: publications on {@code topic} are dropped from this call on, while
     * the UNSUBSCRIBE travels to Redis (or waits for the next reconnect, if Redis is down).
     */
    @Override
    public CompletionStage<Void> unsubscribe(String topic) {
        Objects.requireNonNull(topic, "topic");
        synchronized (subscriptionLock) {
            if (wanted.remove(topic)) {
                sendUnsubscribe(prefix + topic);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> publish(String topic, byte[] payload) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        return lifecycle.publish(commands, "PUBLISH " + topic, redis -> redis.publish(prefix + topic, payload));
    }

    @Override
    public BrokerState state() {
        return lifecycle.state();
    }

    /** How many times the listener threw; each was caught so that the connection kept going. */
    public long listenerFailures() {
        return lifecycle.listenerFailures();
    }

    /** {@inheritDoc} Closes the broker's two connections (the link stays open for its other users). */
    @Override
    public void close() {
        if (!lifecycle.close()) {
            return;
        }
        RedisLink.closeQuietly(pubSub);
        CommandConnection publisher = commands;
        if (publisher != null) {
            publisher.close();
        }
    }

    private void adoptPubSub(StatefulRedisPubSubConnection<String, byte[]> connection) {
        pubSub = connection;
        connection.addListener(new PublicationListener());
        connection.addListener(RedisLink.onLinkChange(address -> {
            pubSubAddress = address;
            resubscribe();
        }, this::onPubSubLost));
        resubscribe();
    }

    private void adoptCommands(CommandConnection connection) {
        commands = connection;
        connection.addListener(RedisLink.onLinkChange(this::updateState, this::updateState));
        updateState();
    }

    /**
     * Re-issues SUBSCRIBE for every wanted topic on a fresh pub/sub link. Lettuce resubscribes to what Redis
     * had confirmed before, but a topic whose SUBSCRIBE failed or raced with the outage is only in
     * {@link #wanted}. SUBSCRIBE is idempotent, so sending both is harmless.
     */
    private void resubscribe() {
        StatefulRedisPubSubConnection<String, byte[]> connection = pubSub;
        long epoch;
        CompletionStage<Void> confirmed;
        synchronized (subscriptionLock) {
            epoch = ++pubSubEpoch;
            pubSubReady = false;
            String[] channels = wanted.stream().map(topic -> prefix + topic).toArray(String[]::new);
            confirmed = channels.length == 0
                    ? CompletableFuture.completedFuture(null)
                    : dispatch(() -> connection.async().subscribe(channels));
        }
        confirmed.whenComplete((ignored, error) -> onResubscribed(connection, epoch, error));
    }

    private void onResubscribed(StatefulRedisPubSubConnection<?, ?> connection, long epoch, Throwable error) {
        synchronized (subscriptionLock) {
            if (epoch != pubSubEpoch || !connection.isOpen()) {
                return;
            }
            if (error != null) {
                log.debug("Re-subscribing after a reconnect failed; trying again", error);
                link.later(this::resubscribe, config.reconnectMinDelay());
                return;
            }
            pubSubReady = true;
        }
        updateState();
    }

    private void onPubSubLost() {
        synchronized (subscriptionLock) {
            pubSubEpoch++;
            pubSubReady = false;
        }
        updateState();
    }

    /** Sends UNSUBSCRIBE; a failure is harmless, because reconnects and {@link #wanted} correct Redis. */
    private void sendUnsubscribe(String channel) {
        StatefulRedisPubSubConnection<String, byte[]> connection = pubSub;
        if (connection != null && connection.isOpen()) {
            dispatch(() -> connection.async().unsubscribe(channel)).whenComplete((ignored, error) -> {
                if (error != null) {
                    log.debug("UNSUBSCRIBE {} failed; the next reconnect drops it", channel, error);
                }
            });
        }
    }

    private void updateState() {
        StatefulRedisPubSubConnection<String, byte[]> subscriber = pubSub;
        CommandConnection publisher = commands;
        lifecycle.update(pubSubReady && subscriber != null && subscriber.isOpen()
                && publisher != null && publisher.isOpen());
    }

    /** Where the broker is (or was last) connected, for logs. */
    private String where() {
        SocketAddress address = pubSubAddress;
        return address == null ? link.describe() : link.describe(address);
    }

    /** Hands Redis messages to the listener, with the prefix stripped; drops other and unwanted channels. */
    private final class PublicationListener extends RedisPubSubAdapter<String, byte[]> {

        @Override
        public void message(String channel, byte[] payload) {
            if (channel.startsWith(prefix)) {
                String topic = channel.substring(prefix.length());
                if (wanted.contains(topic)) {
                    lifecycle.deliver(topic, payload);
                }
            }
        }

        /** Lettuce resubscribes after a reconnect to what it knew; undo that for topics given up meanwhile. */
        @Override
        public void subscribed(String channel, long count) {
            if (channel.startsWith(prefix)) {
                synchronized (subscriptionLock) {
                    if (!wanted.contains(channel.substring(prefix.length()))) {
                        sendUnsubscribe(channel);
                    }
                }
            }
        }
    }
}
