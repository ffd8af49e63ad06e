package io.crier.gateway;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import io.crier.cluster.HistoryStore;
import io.crier.cluster.memory.InMemoryBroker;
import io.crier.cluster.memory.InMemoryHistoryStore;
import io.crier.cluster.redis.RedisBroker;
import io.crier.cluster.redis.RedisHistoryStore;
import io.crier.cluster.redis.RedisLink;
import io.crier.cluster.redis.RedisShardedBroker;
import io.crier.gateway.config.CrierConfig;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker and history store of a node, for the configured backend: {@link RedisBroker} and
 * {@link RedisHistoryStore} when Redis is configured ({@link RedisShardedBroker} on a Redis Cluster), else {@link InMemoryBroker} and an
 * {@link InMemoryHistoryStore} on it (a node alone). Immutable; thread-safe as its parts are.
 *
 * @param broker  carries publications between the nodes
 * @param history keeps the history of the namespaces that have it
 * @param link    the node's one link to Redis, which every Redis store of the node shares (the presence store
 *                and the node registry too), or {@code null} when no Redis is configured
 */
record NodeBackend(Broker broker, HistoryStore history, RedisLink link) {

    // Under the composition root's name, where operators already look for startup problems.
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

    /** Builds, without starting, the broker and history store {@code config} asks for. */
    static NodeBackend of(CrierConfig config) {
        if (!config.redis().enabled()) {
            InMemoryBroker broker = new InMemoryBroker();
            return new NodeBackend(broker, new InMemoryHistoryStore(broker), null);
        }
        RedisLink link = new RedisLink(config.redis());
        Broker broker = link.sharded() ? new RedisShardedBroker(link) : new RedisBroker(link);
        return new NodeBackend(broker, new RedisHistoryStore(link), link);
    }

    /** {@code redis} or {@code in-memory}, for the startup log. */
    String name() {
        return broker instanceof InMemoryBroker ? "in-memory" : "redis";
    }

    /**
     * Whether the node's backend can serve: the broker is connected (every wanted topic subscribed) and, with
     * Redis, the history store is connected to a server that has the function library, so that publications with
     * history would not fail. In Sentinel mode both follow the master the sentinels name.
     */
    boolean ready() {
        return broker.state() == BrokerState.CONNECTED
                && (!(history instanceof RedisHistoryStore redis) || redis.ready());
    }

    /**
     * Starts the history store and the broker, which delivers to {@code listener}. Neither failing to connect
     * stops the node: it still serves {@code /healthz} and reports not-ready, and both go on retrying. When Redis
     * cannot be reached at start, one line says where it was looked for, why it failed, and that the node retries;
     * a Redis that answers but cannot serve (a wrong mode, too old) is named by the history store itself.
     */
    void start(BrokerListener listener) {
        if (history instanceof RedisHistoryStore redisHistory) {
            // Loads the function library; until then, history topics answer unavailable and the node is not ready.
            redisHistory.start();
        }
        CompletableFuture<Void> brokerStarted;
        try {
            brokerStarted = broker.start(listener).toCompletableFuture();
        } catch (RuntimeException e) {
            // The node still serves /healthz and reports not-ready, rather than refusing to start.
            log.warn("broker failed to start: {}", e.toString());
            return;
        }
        brokerStarted.whenComplete((connected, error) -> {
            if (error != null && link != null) {
                log.warn("{}: the node runs anyway, retries in the background, and answers /readyz with 503 until"
                        + " it connects", link.explain(error));
            }
        });
    }

    /** Closes the broker, then the history store, then the link (the presence store and registry are closed). */
    void close() {
        broker.close();
        history.close();
        if (link != null) {
            link.close();
        }
    }
}
