package io.crier.gateway;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.HistoryStore;
import io.crier.cluster.InMemoryBroker;
import io.crier.cluster.InMemoryHistoryStore;
import io.crier.cluster.RedisBroker;
import io.crier.cluster.RedisHistoryStore;
import io.crier.gateway.config.CrierConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker and history store of a node, for the configured backend: {@link RedisBroker} and
 * {@link RedisHistoryStore} when Redis is configured, else {@link InMemoryBroker} and an
 * {@link InMemoryHistoryStore} on it (a node alone). Immutable; thread-safe as its parts are.
 *
 * @param broker  carries publications between the nodes
 * @param history keeps the history of the namespaces that have it
 */
record NodeBackend(Broker broker, HistoryStore history) {

    // Under the composition root's name, where operators already look for startup problems.
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

    /** Builds, without starting, the broker and history store {@code config} asks for. */
    static NodeBackend of(CrierConfig config) {
        Broker broker = config.redis().enabled() ? new RedisBroker(config.redis()) : new InMemoryBroker();
        HistoryStore history = broker instanceof InMemoryBroker local ? new InMemoryHistoryStore(local)
                : new RedisHistoryStore(config.redis());
        return new NodeBackend(broker, history);
    }

    /** {@code redis} or {@code in-memory}, for the startup log. */
    String name() {
        return broker instanceof InMemoryBroker ? "in-memory" : "redis";
    }

    /**
     * Starts the history store and the broker, which delivers to {@code listener}. Neither failing to connect
     * stops the node: it still serves {@code /healthz} and reports not-ready, and both go on retrying.
     */
    void start(BrokerListener listener) {
        if (history instanceof RedisHistoryStore redisHistory) {
            // Loads the Redis function library; until it is loaded, history topics answer unavailable.
            redisHistory.start().whenComplete((loaded, error) -> {
                if (error != null) {
                    log.warn("history store not ready yet ({}); it goes on retrying", error.toString());
                }
            });
        }
        try {
            broker.start(listener).whenComplete((connected, error) -> {
                if (error != null) {
                    log.warn("broker not connected yet ({}); /readyz says 503 until it is", error.toString());
                }
            });
        } catch (RuntimeException e) {
            // The node still serves /healthz and reports not-ready, rather than refusing to start.
            log.warn("broker failed to start: {}", e.toString());
        }
    }

    /** Closes the broker, then the history store. */
    void close() {
        broker.close();
        history.close();
    }
}
