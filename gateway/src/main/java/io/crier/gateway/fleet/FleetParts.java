package io.crier.gateway.fleet;

import io.crier.cluster.ControlChannel;
import io.crier.cluster.RevocationStore;
import io.crier.cluster.memory.InMemoryControlChannel;
import io.crier.cluster.memory.InMemoryRevocationStore;
import io.crier.cluster.redis.RedisControlChannel;
import io.crier.cluster.redis.RedisLink;
import io.crier.cluster.redis.RedisRevocationStore;
import io.crier.gateway.config.FleetConfig;
import io.crier.protocol.FleetApiCodec;
import java.time.Clock;
import java.util.Objects;

/**
 * The control channel and revocation store of a node, for its backend (Redis, or in memory for a node alone), with
 * what the fleet actions share. Immutable.
 *
 * @param nodeId  this node's id, which its control answers carry
 * @param config  {@code fleet.*}
 * @param codec   the server API's JSON ({@code api.maxBatch})
 */
public record FleetParts(String nodeId, FleetConfig config, FleetApiCodec codec, ControlChannel control,
                         RevocationStore store, Clock clock) {

    public FleetParts {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(clock, "clock");
    }

    /** Redis parts on {@code link}, or in-memory ones when it is {@code null}; nothing starts yet. */
    public static FleetParts of(String nodeId, FleetConfig config, int maxBatch, RedisLink link, Clock clock) {
        FleetApiCodec codec = new FleetApiCodec(maxBatch);
        if (link == null) {
            return new FleetParts(nodeId, config, codec, new InMemoryControlChannel(), new InMemoryRevocationStore(),
                    clock);
        }
        return new FleetParts(nodeId, config, codec, new RedisControlChannel(link), new RedisRevocationStore(link),
                clock);
    }
}
