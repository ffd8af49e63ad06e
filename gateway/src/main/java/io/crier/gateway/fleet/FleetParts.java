package io.crier.gateway.fleet;

import io.crier.cluster.ControlChannel;
import io.crier.cluster.RevocationStore;
import io.crier.cluster.memory.InMemoryControlChannel;
import io.crier.cluster.memory.InMemoryRevocationStore;
import io.crier.cluster.redis.RedisControlChannel;
import io.crier.cluster.redis.RedisLink;
import io.crier.cluster.redis.RedisRevocationStore;
import io.crier.gateway.config.FleetConfig;
import java.time.Clock;
import java.util.Objects;

/**
 * The control channel and revocation store of a node, for its backend (Redis, or in memory for a node alone), with
 * what the fleet actions share. Immutable.
 *
 * @param nodeId  this node's id, which its control answers carry
 * @param config  {@code fleet.*}
 */
public record FleetParts(String nodeId, FleetConfig config, ControlChannel control,
                         RevocationStore store, Clock clock) {

    public FleetParts {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(clock, "clock");
    }

    /** Redis parts on {@code link}, or in-memory ones when it is {@code null}; nothing starts yet. */
    public static FleetParts of(String nodeId, FleetConfig config, RedisLink link, Clock clock) {
        if (link == null) {
            return new FleetParts(nodeId, config, new InMemoryControlChannel(), new InMemoryRevocationStore(), clock);
        }
        return new FleetParts(nodeId, config, new RedisControlChannel(link), new RedisRevocationStore(link), clock);
    }
}
