package io.crier.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * What one gateway node says about itself in the cluster view: the record each node announces in Redis
 * (under a lease) and that {@code GET /api/v1/nodes} lists. {@link NodesCodec} is its JSON.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id          the node id ({@code node.id}), not empty
 * @param address     where clients and operators reach the node, {@code host:port} ({@code node.advertiseAddress})
 * @param connections the node's open connections when it last announced itself, not negative
 * @param startedAt   when the node started
 * @param version     the node's software version ({@code dev} when unknown), not empty
 */
public record NodeInfo(String id, String address, long connections, Instant startedAt, String version) {

    /** @throws IllegalArgumentException when a field breaks the rules above */
    public NodeInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(version, "version");
        if (id.isEmpty() || version.isEmpty()) {
            throw new IllegalArgumentException("id and version must not be empty");
        }
        if (connections < 0) {
            throw new IllegalArgumentException("connections must not be negative, got " + connections);
        }
    }

    /** The same node with {@code count} connections. */
    public NodeInfo withConnections(long count) {
        return new NodeInfo(id, address, count, startedAt, version);
    }
}
