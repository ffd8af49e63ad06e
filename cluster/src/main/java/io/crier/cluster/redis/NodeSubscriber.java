package io.crier.cluster.redis;

import static io.crier.cluster.redis.RedisLink.dispatch;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sharded broker's pub/sub connection to one node of a Redis Cluster: it sends {@code SSUBSCRIBE} and
 * {@code SUNSUBSCRIBE} there and tells its {@link Events} what it hears, on its connection's I/O thread and in the
 * order Redis sent it. It never reconnects: once lost it is done, and its owner places its topics elsewhere.
 *
 * <p>Thread-safe.
 */
final class NodeSubscriber extends RedisPubSubAdapter<String, byte[]> {

    /** What a node subscriber hears, for its owner. Called on the connection's I/O thread; must not block. */
    interface Events {

        /** Redis confirmed the subscription to {@code channel}. */
        void confirmed(NodeSubscriber node, String channel);

        /** Redis dropped the subscription to {@code channel}, asked to or not (a slot that moved away). */
        void dropped(NodeSubscriber node, String channel);

        /** A publication on {@code channel}. */
        void message(NodeSubscriber node, String channel, byte[] payload);

        /** The connection is lost for good. */
        void lost(NodeSubscriber node);
    }

    private static final Logger log = LoggerFactory.getLogger(NodeSubscriber.class);

    private final String address;
    private final Events events;
    private final CompletableFuture<NodeSubscriber> opened = new CompletableFuture<>();
    private volatile StatefulRedisPubSubConnection<String, byte[]> connection;

    /** A subscriber of the node at {@code host:port}; nothing connects before {@link #connect}. */
    NodeSubscriber(String address, Events events) {
        this.address = address;
        this.events = events;
    }

    /** {@code host:port} of the node. */
    String address() {
        return address;
    }

    /** Completes with this subscriber once its connection is open, or fails when it could not open. */
    CompletionStage<NodeSubscriber> opened() {
        return opened;
    }

    /** Whether connecting has ended, one way or the other. */
    boolean settled() {
        return opened.isDone();
    }

    /** Connects through {@code link} to {@code host:port}, once. */
    void connect(RedisLink link, String host, int port) {
        link.connectNode(host, port).whenComplete((open, error) -> {
            if (error != null) {
                opened.completeExceptionally(error);
                events.lost(this);
                return;
            }
            connection = open;
            open.addListener(this);
            open.addListener(RedisLink.onLinkChange(() -> { }, () -> events.lost(this)));
            if (!open.isOpen()) {
                events.lost(this);
            }
            opened.complete(this);
        });
    }

    /** {@code SSUBSCRIBE channels}, which share one slot; completes once Redis confirmed. */
    CompletionStage<Void> subscribe(List<String> channels) {
        StatefulRedisPubSubConnection<String, byte[]> open = connection;
        if (channels.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (open == null) {
            return BrokerLifecycle.unavailable("not connected to " + address);
        }
        return dispatch(() -> open.async().ssubscribe(channels.toArray(String[]::new)));
    }

    /** {@code SUNSUBSCRIBE channel}; a failure is harmless, since only a placed node delivers. */
    void unsubscribe(String channel) {
        StatefulRedisPubSubConnection<String, byte[]> open = connection;
        if (open != null && open.isOpen()) {
            dispatch(() -> open.async().sunsubscribe(channel)).whenComplete((ignored, error) -> {
                if (error != null) {
                    log.debug("SUNSUBSCRIBE {} on {} failed", channel, address, error);
                }
            });
        }
    }

    /** Closes the connection (its loss is then reported like any other). */
    void close() {
        RedisLink.closeQuietly(connection);
    }

    @Override
    public void ssubscribed(String channel, long count) {
        events.confirmed(this, channel);
    }

    @Override
    public void sunsubscribed(String channel, long count) {
        events.dropped(this, channel);
    }

    @Override
    public void smessage(String channel, byte[] payload) {
        events.message(this, channel, payload);
    }

    @Override
    public String toString() {
        return "subscriber of " + address;
    }
}
