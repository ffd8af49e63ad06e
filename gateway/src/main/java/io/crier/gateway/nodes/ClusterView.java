package io.crier.gateway.nodes;

import io.crier.cluster.NodeRegistry;
import io.crier.cluster.memory.InMemoryNodeRegistry;
import io.crier.cluster.redis.RedisLink;
import io.crier.cluster.redis.RedisNodeRegistry;
import io.crier.gateway.config.ClusterConfig;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.NodeInfo;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster view of one node, wired from the config: the {@link NodeRegistry} ({@link RedisNodeRegistry} when
 * Redis is configured, else {@link InMemoryNodeRegistry}, where the node lists only itself), the
 * {@link NodeAnnouncer} that keeps this node's record alive under {@code cluster.nodeLease}, renewed every
 * {@code cluster.nodeRefreshInterval}, and the list that {@code GET /api/v1/nodes} answers with, where this node's
 * own entry is always its live record (a remote node's connection count is as old as its last refresh).
 * Refreshes are counted in {@link MeterCatalog#NODE_REFRESHES}, by result.
 *
 * <p>Thread-safe. {@link #close()} blocks for at most {@value #WITHDRAW_TIMEOUT_MS} ms plus the registry's own
 * shutdown; never call it from an event loop.
 */
public final class ClusterView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterView.class);
    private static final long WITHDRAW_TIMEOUT_MS = 2000;

    private final NodeRegistry registry;
    private final ClusterConfig cluster;
    private final String nodeId;
    private final Clock clock;
    private final Instant startedAt;
    private final MeterRegistry meters;
    private volatile NodeAnnouncer announcer;
    private volatile ScheduledFuture<?> refreshes;

    /**
     * Opens the registry (on Redis when {@code redis} is given, connecting in the background; else in memory);
     * nothing is announced before {@link #start}.
     *
     * @param redis the node's link to Redis, or {@code null} when it has none
     */
    public ClusterView(CrierConfig config, RedisLink redis, Clock clock, MeterRegistry meters) {
        this.cluster = config.cluster();
        this.nodeId = config.node().id();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.startedAt = clock.instant();
        Duration lease = cluster.nodeLease();
        this.registry = redis != null ? new RedisNodeRegistry(redis, lease)
                : new InMemoryNodeRegistry(lease, clock);
    }

    /**
     * Announces this node and starts renewing its record. Call once, when the node listens.
     *
     * @param address     where the node is reached ({@code host:port})
     * @param connections the node's open connections
     * @param scheduler   runs the refreshes
     */
    public synchronized void start(String address, LongSupplier connections, ScheduledExecutorService scheduler) {
        if (announcer != null) {
            throw new IllegalStateException("the cluster view has started already");
        }
        NodeAnnouncer started = new NodeAnnouncer(registry,
                new NodeInfo(nodeId, address, 0, startedAt, NodeVersion.of(ClusterView.class)), connections,
                MeterCatalog.NODE_REFRESHES.counter(meters, "result", "ok"),
                MeterCatalog.NODE_REFRESHES.counter(meters, "result", "failed"));
        this.announcer = started;
        started.announce();
        long every = cluster.nodeRefreshInterval().toNanos();
        this.refreshes = scheduler.scheduleAtFixedRate(started::refresh, every, every, TimeUnit.NANOSECONDS);
        log.info("node {} announced as {} in the cluster view (lease {} ms, refreshed every {} ms)", nodeId, address,
                cluster.nodeLease().toMillis(), cluster.nodeRefreshInterval().toMillis());
    }

    /** This node's id. */
    public String nodeId() {
        return nodeId;
    }

    /** The instant uptimes are measured at. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * The live nodes, sorted by id, with this node's live record in place of its stored one (and added when the
     * registry lacks it, as right after Redis lost its data) unless it has withdrawn.
     */
    public CompletionStage<List<NodeInfo>> nodes() {
        return registry.list().thenApply(stored -> {
            NodeAnnouncer self = announcer;
            List<NodeInfo> nodes = new ArrayList<>(stored.size() + 1);
            stored.stream().filter(node -> !node.id().equals(nodeId)).forEach(nodes::add);
            if (self != null && !self.withdrawn()) {
                nodes.add(self.current());
            }
            nodes.sort(Comparator.comparing(NodeInfo::id));
            return List.copyOf(nodes);
        });
    }

    /** Stops renewing this node's record and removes it (a graceful stop). Idempotent. */
    public CompletionStage<Void> withdraw() {
        ScheduledFuture<?> scheduled = refreshes;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        NodeAnnouncer self = announcer;
        return self == null ? CompletableFuture.completedFuture(null) : self.withdraw();
    }

    /** Withdraws this node (waiting briefly: a dead Redis must not hold up a shutdown), then closes the registry. */
    @Override
    public void close() {
        try {
            withdraw().toCompletableFuture().get(WITHDRAW_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // The record then lapses within cluster.nodeLease, as a crashed node's would.
            log.warn("node {}: could not withdraw from the cluster view ({}); it lapses within {}", nodeId,
                    e.toString(), cluster.nodeLease());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.close();
    }
}
