package io.crier.cluster.memory;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.NodeRegistry;
import io.crier.protocol.NodeInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link NodeRegistry} of one node alone (the embedded default, where it lists only itself) and the
 * unit-test stand-in: records live in this JVM under the same lease rules as in Redis, measured by the
 * injected {@link Clock}, so tests move time by hand. A record expires {@code lease} after its last announce
 * or refresh; expired records are dropped on every call. Holds at most {@value NodeRegistry#MAX_NODES}
 * records: an announce beyond that fails.
 *
 * <p>Thread-safe (one lock); every stage is already complete when returned.
 */
public final class InMemoryNodeRegistry implements NodeRegistry {

    private final Duration lease;
    private final Clock clock;
    private final Map<String, Held> nodes = new HashMap<>();
    private boolean closed;

    /**
     * @param lease how long a record lives without a refresh, above zero
     * @param clock the time the leases are measured with
     */
    public InMemoryNodeRegistry(Duration lease, Clock clock) {
        this.lease = Objects.requireNonNull(lease, "lease");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be above zero");
        }
    }

    @Override
    public CompletionStage<Void> announce(NodeInfo node) {
        return refresh(node);
    }

    @Override
    public synchronized CompletionStage<Void> refresh(NodeInfo node) {
        Objects.requireNonNull(node, "node");
        if (closed) {
            return unavailable();
        }
        Instant now = clock.instant();
        prune(now);
        if (!nodes.containsKey(node.id()) && nodes.size() >= MAX_NODES) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "the registry holds " + MAX_NODES + " nodes already"));
        }
        nodes.put(node.id(), new Held(node, now.plus(lease)));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<List<NodeInfo>> list() {
        if (closed) {
            return unavailable();
        }
        prune(clock.instant());
        return CompletableFuture.completedFuture(nodes.values().stream()
                .map(Held::node)
                .sorted(Comparator.comparing(NodeInfo::id))
                .toList());
    }

    @Override
    public synchronized CompletionStage<Void> withdraw(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        if (closed) {
            return unavailable();
        }
        nodes.remove(nodeId);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized void close() {
        closed = true;
        nodes.clear();
    }

    /** Drops the records whose lease has ended. Caller holds the lock. */
    private void prune(Instant now) {
        nodes.values().removeIf(held -> !held.expiresAt().isAfter(now));
    }

    private static <T> CompletionStage<T> unavailable() {
        return CompletableFuture.failedFuture(new BrokerUnavailableException("the node registry is closed"));
    }

    /** One record and the end of its lease. */
    private record Held(NodeInfo node, Instant expiresAt) {
    }
}
