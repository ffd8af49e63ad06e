package io.crier.gateway.nodes;

import io.crier.cluster.NodeRegistry;
import io.crier.protocol.NodeInfo;
import io.micrometer.core.instrument.Counter;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one node's record in the {@link NodeRegistry}: {@link #announce()} once the node listens,
 * {@link #refresh()} every {@code cluster.nodeRefreshInterval} with its current connection count (a refresh also
 * puts back a record the registry lost), {@link #withdraw()} once when it stops, after which it writes nothing
 * more. Refreshes are counted by result; a failing registry is logged when it starts failing and when it
 * recovers, not at every refresh.
 *
 * <p>Thread-safe: calls are issued under one lock, so the registry receives them in order (a withdraw is never
 * overtaken by a refresh issued before it); nothing here blocks.
 */
public final class NodeAnnouncer {

    private static final Logger log = LoggerFactory.getLogger(NodeAnnouncer.class);

    private final NodeRegistry registry;
    private final NodeInfo self;
    private final LongSupplier connections;
    private final Counter refreshed;
    private final Counter failed;
    private boolean withdrawn;
    private CompletionStage<Void> withdrawal;
    private boolean failing;

    /**
     * @param self        the node's record; its connection count is replaced by {@code connections} at each call
     * @param connections the node's open connections, read at each announce and refresh
     * @param refreshed   counts announces and refreshes that succeeded
     * @param failed      counts those that failed
     */
    public NodeAnnouncer(NodeRegistry registry, NodeInfo self, LongSupplier connections, Counter refreshed,
                         Counter failed) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.self = Objects.requireNonNull(self, "self");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.refreshed = Objects.requireNonNull(refreshed, "refreshed");
        this.failed = Objects.requireNonNull(failed, "failed");
    }

    /** The node's record as of now. */
    public NodeInfo current() {
        return self.withConnections(Math.max(0, connections.getAsLong()));
    }

    /** The node's id. */
    public String nodeId() {
        return self.id();
    }

    /** Records the node (a Redis registry waits for its first connection). */
    public synchronized CompletionStage<Void> announce() {
        if (withdrawn) {
            return CompletableFuture.completedFuture(null);
        }
        return counted(registry.announce(current()));
    }

    /** Renews the node's record with its current connection count; nothing once withdrawn. */
    public synchronized CompletionStage<Void> refresh() {
        if (withdrawn) {
            return CompletableFuture.completedFuture(null);
        }
        return counted(registry.refresh(current()));
    }

    /** Whether {@link #withdraw()} has been called. */
    public synchronized boolean withdrawn() {
        return withdrawn;
    }

    /**
     * Removes the node's record and stops every later write. Idempotent: later calls return the first call's
     * stage, so that a caller waiting for the withdrawal (the node's close after its drain already withdrew)
     * really waits for it to reach the registry.
     */
    public synchronized CompletionStage<Void> withdraw() {
        if (withdrawal == null) {
            withdrawn = true;
            withdrawal = registry.withdraw(self.id());
        }
        return withdrawal;
    }

    private CompletionStage<Void> counted(CompletionStage<Void> call) {
        return call.whenComplete((ignored, error) -> {
            if (error == null) {
                refreshed.increment();
                recovered();
            } else {
                failed.increment();
                failing(error);
            }
        });
    }

    private synchronized void failing(Throwable error) {
        if (!failing) {
            failing = true;
            log.warn("node {}: cannot renew its record in the cluster view ({}); retrying at each refresh",
                    self.id(), error.toString());
        }
    }

    private synchronized void recovered() {
        if (failing) {
            failing = false;
            log.info("node {}: its record in the cluster view is renewed again", self.id());
        }
    }
}
