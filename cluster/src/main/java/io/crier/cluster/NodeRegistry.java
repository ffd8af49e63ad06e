package io.crier.cluster;

import io.crier.protocol.NodeInfo;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Which gateway nodes are alive, across the whole fleet (the cluster view). Each node announces itself and
 * renews its record with {@link #refresh} every few seconds; a record that is not renewed within the
 * registry's lease (because its node died) disappears on its own, so a dead node leaves every
 * {@link #list} at most one lease after its last refresh. A node that stops gracefully {@link #withdraw}s at
 * once. A refresh writes the whole record again, so a record lost by the registry (Redis restarted without
 * persistence) comes back with the next refresh.
 *
 * <p>Implementations are thread-safe; stages complete on the registry's threads.
 */
public interface NodeRegistry extends AutoCloseable {

    /** The most nodes {@link #list} returns: bounds one answer whatever is stored. */
    int MAX_NODES = 1000;

    /** Records {@code node} under a fresh lease, once the registry can (a Redis one waits for its connection). */
    CompletionStage<Void> announce(NodeInfo node);

    /** Renews {@code node}'s lease with its current record, adding it again if it is gone; fails fast if down. */
    CompletionStage<Void> refresh(NodeInfo node);

    /** The live nodes, at most {@value #MAX_NODES}, sorted by id. */
    CompletionStage<List<NodeInfo>> list();

    /** Removes node {@code nodeId} at once (a graceful stop); unknown ids are no error. */
    CompletionStage<Void> withdraw(String nodeId);

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
