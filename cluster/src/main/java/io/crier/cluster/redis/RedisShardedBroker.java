package io.crier.cluster.redis;

import static io.crier.cluster.redis.RedisLink.translate;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Broker} of a fleet on a Redis Cluster ({@code redis.mode=cluster}): sharded pub/sub, so that a
 * publication travels only within the shard that owns its slot. Topic {@code T} is the shard channel
 * {@code prefix + T}, in the same slot as its history and presence keys (which carry the hash tag
 * {@code {prefix + T}}). {@link #publish} is {@code SPUBLISH} through the link's cluster connection, which Lettuce
 * routes to the slot's primary; {@link #subscribe} is {@code SSUBSCRIBE} on a pub/sub connection to that primary:
 * one connection per primary that serves a wanted topic, opened when needed and closed when idle.
 *
 * <p><b>Following the slots.</b> Lettuce does not move a shard subscription to a slot's new owner, so this broker
 * does. It knows, for every wanted topic, the node whose subscription delivers it (its placement), and brings the
 * placements back to the slot map:
 * <ul>
 *   <li>when Redis drops a subscription it was not asked to drop (its {@code sunsubscribe} push after a slot
 *       migrated away), at once;</li>
 *   <li>when a node's pub/sub connection is lost (a primary died), at once and then with the reconnect backoff
 *       until a replica took over its slots;</li>
 *   <li>when Lettuce sees the slot map change, and every {@code redis.topologyRefresh} in any case.</li>
 * </ul>
 * Each time it reads the slot map, subscribes every topic that has no placement on its slot's primary (one
 * {@code SSUBSCRIBE} per slot), and drops the subscription a topic still has on a node that no longer owns it. A
 * topic whose subscription was broken and is back is reported to {@link BrokerListener#onSubscriptionsRestored},
 * since what was published in between was not delivered. Only the node a topic is placed on delivers its
 * publications, so a stale subscription elsewhere can never deliver one twice.
 *
 * <p>The broker is {@link BrokerState#CONNECTED} while its cluster connection is open and the slot map can be
 * read (some node answers); a primary that is down costs only its own slots' topics, until a replica takes
 * over, and leaves the broker connected.
 *
 * <p>The placements are {@link ShardPlacements}' to keep; the connections to the nodes ({@link NodeSubscriber}, one
 * per primary that serves a wanted topic, closed when idle) are this broker's, and tell it what they hear.
 *
 * <p>Thread-safe. Listener callbacks run on Lettuce's I/O threads. Do not call {@link #close()} from one.
 */
public final class RedisShardedBroker implements Broker {

    private static final Logger log = LoggerFactory.getLogger(RedisShardedBroker.class);

    private final RedisConfig config;
    private final RedisLink link;
    private final String prefix;
    /** The state, the listener and the bounded publish. */
    private final BrokerLifecycle lifecycle;
    private final ShardPlacements placements = new ShardPlacements();
    private final NodeEvents nodeEvents = new NodeEvents();
    /** Guards {@link #nodes} and the scheduling fields below; taken before the placements' own lock. */
    private final Object lock = new Object();
    /** The subscriber of each node, by {@code host:port}. Lock held. */
    private final Map<String, NodeSubscriber> nodes = new HashMap<>();

    private volatile CommandConnection commands;
    /** Whether the last reading of the slot map succeeded: some node of the cluster answers. */
    private volatile boolean reachable = true;
    private volatile AutoCloseable topologyEvents;
    /** Whether a reconciliation is scheduled (at most one at a time). Lock held. */
    private boolean reconcileScheduled;
    /** Consecutive reconciliations that left a topic unplaced: the retry backoff's attempt. Lock held. */
    private int unplacedRounds;
    /** Whether the current run of failed placements was logged. Lock held. */
    private boolean problemLogged;

    /** Creates a broker on the node's cluster {@code link}; nothing connects before {@link #start}. */
    public RedisShardedBroker(RedisLink link) {
        this.link = Objects.requireNonNull(link, "link");
        if (!link.sharded()) {
            throw new IllegalArgumentException("a sharded broker needs redis.mode=cluster");
        }
        this.config = link.config();
        this.prefix = config.prefix();
        this.lifecycle = new BrokerLifecycle(log, () -> link.describe() + " (sharded pub/sub)",
                link.newInFlightLimit());
    }

    @Override
    public CompletionStage<Void> start(BrokerListener listener) {
        Objects.requireNonNull(listener, "listener");
        CompletionStage<Void> started = lifecycle.start(listener);
        link.openCommands("command", this::adoptCommands, lifecycle::failStart, lifecycle::closed);
        return started;
    }

    /**
     * {@inheritDoc} The stage completes when the slot's primary confirmed the SSUBSCRIBE. If it fails (the
     * primary is down, for one), the topic stays wanted and is subscribed as soon as a primary serves its slot
     * again; call {@link #unsubscribe} to give it up.
     */
    @Override
    public CompletionStage<Void> subscribe(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (lifecycle.closed()) {
            return unavailable("the broker is closed");
        }
        placements.want(topic);
        // A slot map older than a migration sends SSUBSCRIBE to the old owner, which answers MOVED: read the map
        // again and try once more.
        CompletionStage<Void> confirmed = place(List.of(topic)).exceptionallyCompose(error ->
                refreshTopology().thenCompose(refreshed -> place(List.of(topic))));
        confirmed.whenComplete((ignored, error) -> {
            if (error != null) {
                scheduleReconcile();
            }
        });
        return translate(confirmed, "SSUBSCRIBE " + topic);
    }

    /**
     * {@inheritDoc} Completes at once: publications on {@code topic} are dropped from this call on, while the
     * SUNSUBSCRIBE travels to the primary.
     */
    @Override
    public CompletionStage<Void> unsubscribe(String topic) {
        Objects.requireNonNull(topic, "topic");
        NodeSubscriber placed = placements.giveUp(topic);
        if (placed != null) {
            placed.unsubscribe(prefix + topic);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> publish(String topic, byte[] payload) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        return lifecycle.publish(commands, "SPUBLISH " + topic, redis -> redis.spublish(prefix + topic, payload));
    }

    @Override
    public BrokerState state() {
        return lifecycle.state();
    }

    /** How many times the listener threw; each was caught so that the connections kept going. */
    public long listenerFailures() {
        return lifecycle.listenerFailures();
    }

    /** The {@code host:port} of the node whose subscription delivers {@code topic} now, or {@code null}. */
    public String placementOf(String topic) {
        NodeSubscriber node = placements.placementOf(topic);
        return node == null ? null : node.address();
    }

    /** {@inheritDoc} Closes the broker's connections (the link stays open for its other users). */
    @Override
    public void close() {
        if (!lifecycle.close()) {
            return;
        }
        closeQuietly(topologyEvents);
        List<NodeSubscriber> open;
        synchronized (lock) {
            open = new ArrayList<>(nodes.values());
            nodes.clear();
        }
        placements.clear();
        open.forEach(NodeSubscriber::close);
        CommandConnection publisher = commands;
        if (publisher != null) {
            publisher.close();
        }
    }

    private void adoptCommands(CommandConnection connection) {
        commands = connection;
        topologyEvents = link.onTopologyChange(this::scheduleReconcile);
        link.later(this::periodicReconcile, config.topologyRefresh());
        updateState();
        // Topics wanted before the cluster connection opened.
        scheduleReconcile();
    }

    /**
     * Subscribes each of {@code topics} that is still wanted on its slot's primary (one SSUBSCRIBE per slot),
     * unless it is placed there already. The stage completes when every SSUBSCRIBE was confirmed, or fails with
     * the first failure (a slot no primary serves now, a node that cannot be reached, MOVED).
     */
    private CompletionStage<Void> place(List<String> topics) {
        Map<String, List<String>> bySlotOwner = new HashMap<>();
        Map<String, RedisClusterNode> owners = new HashMap<>();
        String unserved = null;
        for (String topic : topics) {
            RedisClusterNode owner = ownerOf(topic);
            if (owner == null) {
                unserved = topic; // the others are placed all the same
                continue;
            }
            NodeSubscriber placed = placements.placementOf(topic);
            if (placed != null && placed.address().equals(address(owner))) {
                continue;
            }
            owners.put(address(owner), owner);
            bySlotOwner.computeIfAbsent(address(owner) + "/" + SlotHash.getSlot(prefix + topic),
                    key -> new ArrayList<>()).add(topic);
        }
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (Map.Entry<String, List<String>> group : bySlotOwner.entrySet()) {
            RedisClusterNode owner = owners.get(group.getKey().substring(0, group.getKey().lastIndexOf('/')));
            sent.add(node(owner).thenCompose(node -> subscribe(node, group.getValue())).toCompletableFuture());
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
        if (unserved == null) {
            return all;
        }
        String example = unserved;
        return all.handle((ignored, error) -> null).thenCompose(ignored ->
                unavailable("no primary serves the slot of topic " + example + " now"));
    }

    /** SSUBSCRIBE at {@code node} those of {@code topics} (one slot's) that are still wanted. */
    private CompletionStage<Void> subscribe(NodeSubscriber node, List<String> topics) {
        List<String> still = placements.pend(node, topics);
        return node.subscribe(still.stream().map(topic -> prefix + topic).toList())
                .whenComplete((ignored, error) -> {
                    if (error != null) {
                        placements.unpend(node, still);
                    }
                });
    }

    /** The primary that serves {@code topic}'s slot in the current slot map, or {@code null} when none does. */
    private RedisClusterNode ownerOf(String topic) {
        RedisClusterNode owner = link.partitions().getPartitionBySlot(SlotHash.getSlot(prefix + topic));
        return owner == null || owner.is(RedisClusterNode.NodeFlag.FAIL)
                || owner.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL) ? null : owner;
    }

    /** The subscriber of {@code owner}, connecting it first when there is none. */
    private CompletionStage<NodeSubscriber> node(RedisClusterNode owner) {
        NodeSubscriber node;
        boolean created = false;
        synchronized (lock) {
            if (lifecycle.closed()) {
                return unavailable("the broker is closed");
            }
            node = nodes.get(address(owner));
            if (node == null) {
                node = new NodeSubscriber(address(owner), nodeEvents);
                nodes.put(node.address(), node);
                created = true;
            }
        }
        if (created) {
            node.connect(link, owner.getUri().getHost(), owner.getUri().getPort());
        }
        return node.opened();
    }

    /**
     * Every {@code redis.topologyRefresh}: reads the slot map (which also tells whether any node of the cluster
     * answers) and reconciles.
     */
    private void periodicReconcile() {
        if (lifecycle.closed()) {
            return;
        }
        refreshTopology().whenComplete((ignored, error) -> {
            reconcile();
            link.later(this::periodicReconcile, config.topologyRefresh());
        });
    }

    /**
     * Reads the slot map again. Its outcome is the broker's state: {@code DISCONNECTED} while no node of the
     * cluster answers (a cluster connection stays open however many of its nodes are down), {@code CONNECTED}
     * again once one does, when the hub repairs every topic with history, as after any outage.
     */
    private CompletionStage<Void> refreshTopology() {
        return link.refreshTopology().whenComplete((ignored, error) -> {
            reachable = error == null;
            updateState();
        });
    }

    /** Reconciles soon (after a moment, so that a burst of events makes one pass), unless one is scheduled. */
    private void scheduleReconcile() {
        synchronized (lock) {
            if (reconcileScheduled || lifecycle.closed()) {
                return;
            }
            reconcileScheduled = true;
        }
        link.later(() -> {
            synchronized (lock) {
                reconcileScheduled = false;
            }
            refreshTopology().whenComplete((ignored, error) -> reconcile());
        }, config.reconnectMinDelay());
    }

    /** Brings every wanted topic's placement to its slot's primary in the current slot map. */
    private void reconcile() {
        if (lifecycle.closed() || commands == null) {
            return;
        }
        List<String> misplaced = placements.misplaced(topic -> {
            RedisClusterNode owner = ownerOf(topic);
            return owner == null ? null : address(owner);
        });
        closeIdleNodes();
        if (misplaced.isEmpty()) {
            settled();
            return;
        }
        log.debug("Placing {} topics on their slots' primaries", misplaced.size());
        place(misplaced).whenComplete((ignored, error) -> {
            if (error == null) {
                settled();
            } else {
                retryLater(misplaced.size(), error);
            }
        });
    }

    private void settled() {
        synchronized (lock) {
            unplacedRounds = 0;
            problemLogged = false;
        }
    }

    /** Some topics could not be placed: the next pass comes with the reconnect backoff. */
    private void retryLater(int topics, Throwable error) {
        int round;
        boolean first;
        synchronized (lock) {
            round = ++unplacedRounds;
            first = !problemLogged;
            problemLogged = true;
        }
        if (first) {
            log.warn("Cannot subscribe {} topics on their slots' primaries yet ({}); retrying", topics,
                    RedisProblems.rootMessage(error));
        }
        log.debug("Placing topics failed (round {})", round, error);
        link.later(() -> refreshTopology().whenComplete((ignored, failure) -> reconcile()),
                link.retryDelay(round));
    }

    /** Closes the connections of nodes that deliver no topic and wait for none. */
    private void closeIdleNodes() {
        List<NodeSubscriber> idle = new ArrayList<>();
        synchronized (lock) {
            nodes.values().removeIf(node -> {
                boolean unused = node.settled() && !placements.uses(node);
                if (unused) {
                    idle.add(node);
                }
                return unused;
            });
        }
        idle.forEach(NodeSubscriber::close);
    }

    private void updateState() {
        CommandConnection connection = commands;
        lifecycle.update(reachable && connection != null && connection.isOpen());
    }

    private static String address(RedisClusterNode node) {
        return node.getUri().getHost() + ":" + node.getUri().getPort();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.debug("Closing failed", e);
            }
        }
    }

    private static <T> CompletableFuture<T> unavailable(String why) {
        return BrokerLifecycle.unavailable(why);
    }

    /** What the node subscribers hear, applied to the placements. */
    private final class NodeEvents implements NodeSubscriber.Events {

        /** The subscription is confirmed: the topic is placed there, and dropped from where it was. */
        @Override
        public void confirmed(NodeSubscriber node, String channel) {
            if (!channel.startsWith(prefix)) {
                return;
            }
            String topic = channel.substring(prefix.length());
            ShardPlacements.Confirmation confirmation = placements.confirm(node, topic);
            if (confirmation.unwanted()) {
                node.unsubscribe(channel); // given up, or placed elsewhere, meanwhile
            }
            if (confirmation.previous() != null) {
                confirmation.previous().unsubscribe(channel);
            }
            if (confirmation.restored()) {
                lifecycle.restored(List.of(topic));
            }
        }

        /**
         * Redis dropped a subscription. One this broker asked to drop has no placement there any more; any other
         * means that the slot moved away: the topic is placed again on the slot's new owner.
         */
        @Override
        public void dropped(NodeSubscriber node, String channel) {
            if (channel.startsWith(prefix) && placements.drop(node, channel.substring(prefix.length()))) {
                log.debug("{} dropped the subscription to {}: its slot moved", node.address(), channel);
                scheduleReconcile();
            }
        }

        @Override
        public void message(NodeSubscriber node, String channel, byte[] payload) {
            if (channel.startsWith(prefix)) {
                String topic = channel.substring(prefix.length());
                if (placements.delivers(node, topic)) {
                    lifecycle.deliver(topic, payload);
                }
            }
        }

        /** The connection is gone for good: its topics lose their placement and are placed again. */
        @Override
        public void lost(NodeSubscriber node) {
            synchronized (lock) {
                nodes.remove(node.address(), node);
            }
            int lostTopics = placements.lose(node);
            if (lostTopics > 0) {
                log.warn("Lost the pub/sub connection to {}; moving its {} topics to their slots' primaries",
                        node.address(), lostTopics);
            }
            node.close();
            scheduleReconcile();
        }
    }
}
