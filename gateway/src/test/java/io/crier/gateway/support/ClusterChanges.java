package io.crier.gateway.support;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisClusterSet;
import io.crier.cluster.RedisServerProcess;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The changes {@code ClusterFleetIT} makes to a fleet on a Redis Cluster while a {@link SteadyBackend} publishes:
 * a primary killed (its replica lagging, or not), a slot moved, a node killed and restarted. Each starts after
 * {@link #BETWEEN_CHANGES} more publications on the topics it concerns, and returns once it was followed: for a
 * change of a slot's owner, once every client of the topics in that slot got a publication of the epoch the new
 * owner forked, with how long that took. Not thread-safe: used from the test thread.
 */
public final class ClusterChanges {

    /** Publications per topic before each change, so that every change happens while publishing. */
    static final int BETWEEN_CHANGES = 20;
    /**
     * How long a lagging replica stops applying the replication stream: long enough to span the kill, which comes
     * {@link #BETWEEN_CHANGES} publications (1 s at 20/s) later; short enough to end before it is promoted.
     */
    private static final Duration REPLICA_PAUSE = Duration.ofSeconds(2);
    private static final Duration FOLLOW_BOUND = Duration.ofSeconds(20);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Pattern FIRST_REPLICA = Pattern.compile("(?m)^slave0:ip=[^,]+,port=(\\d+),");

    /** How one change of a slot's owner was followed: times from the change, in milliseconds. */
    public record Followed(String change, List<String> topics, long redisMillis, long backendMillis,
                           List<Long> clientMillis, long failedPublications) {

        @Override
        public String toString() {
            return change + " " + topics + ": Redis settled after " + redisMillis + " ms; the backend's first"
                    + " publication in the new epoch was acknowledged after " + backendMillis + " ms ("
                    + failedPublications + " publications failed meanwhile); the clients got one after "
                    + clientMillis.get(0) + " ms (first), " + clientMillis.get(clientMillis.size() / 2)
                    + " ms (median), " + clientMillis.get(clientMillis.size() - 1) + " ms (last)";
        }
    }

    private final RedisClusterSet cluster;
    private final SteadyBackend backend;
    private final FleetClients clients;

    public ClusterChanges(RedisClusterSet cluster, SteadyBackend backend, FleetClients clients) {
        this.cluster = cluster;
        this.backend = backend;
        this.clients = clients;
    }

    /**
     * Kills the primary that owns {@code topics} with SIGKILL, and waits until its replica took over and every
     * client of those topics got a publication of the epoch the promoted replica forked. When {@code lagging}, the
     * replica stops applying the replication stream for {@link #REPLICA_PAUSE} first (as a lagging one would),
     * while the primary goes on acknowledging publications.
     */
    public Followed failOver(List<String> topics, boolean lagging) {
        int slot = cluster.slotOf("crier:" + topics.get(0));
        if (lagging) {
            replicaOf(cluster.ownerOf(slot)).cli("CLIENT", "PAUSE", Long.toString(REPLICA_PAUSE.toMillis()), "WRITE");
        }
        awaitPublished(topics);
        Map<String, String> oldEpochs = currentEpochs(topics);
        long failedBefore = backend.failed();
        long killed = System.nanoTime();
        RedisServerProcess dead = cluster.killOwnerOf(slot);
        RedisServerProcess promoted = cluster.awaitFailover(dead, FOLLOW_BOUND);
        long promotedMillis = millisSince(killed);
        topics.forEach(topic -> assertEquals(promoted.port(), cluster.ownerOf(cluster.slotOf("crier:" + topic))
                .port(), topic + " is served by the promoted replica"));
        return follow("kill -9 of primary " + dead.port() + (lagging ? " while its replica lagged" : "") + ", replica "
                + promoted.port() + " promoted", topics, oldEpochs, killed, promotedMillis, failedBefore);
    }

    /** Moves {@code topic}'s slot by hand to the primary that owns {@code neighbour}'s. */
    public Followed moveSlot(String topic, String neighbour) {
        awaitPublished(List.of(topic));
        Map<String, String> oldEpochs = currentEpochs(List.of(topic));
        long failedBefore = backend.failed();
        int slot = cluster.slotOf("crier:" + topic);
        RedisServerProcess from = cluster.ownerOf(slot);
        RedisServerProcess to = cluster.ownerOf(cluster.slotOf("crier:" + neighbour));
        long moving = System.nanoTime();
        cluster.moveSlot(slot, to);
        long movedMillis = millisSince(moving);
        return follow("slot " + slot + " moved from " + from.port() + " to " + to.port(), List.of(topic), oldEpochs,
                moving, movedMillis, failedBefore);
    }

    /**
     * Kills the node of {@code nodes} with the most clients with SIGKILL; its clients reconnect through HAProxy
     * (to another node) and resubscribe with {@code since}; then it comes back once HAProxy saw it die. Returns
     * its clients' reconnect times (from the drop to the resubscribe's {@code ok}), sorted.
     */
    public List<Long> crashAndRestart(ProcessFleet nodes, int count, HaproxyProcess haproxy, List<String> topics) {
        awaitPublished(topics);
        Map<String, List<FleetClient>> byNode = clients.all().stream().collect(Collectors.groupingBy(
                ClusterChanges::currentNode));
        int victim = IntStream.range(0, count).boxed().max((a, b) -> Integer.compare(
                byNode.getOrDefault(nodes.node(a).name(), List.of()).size(),
                byNode.getOrDefault(nodes.node(b).name(), List.of()).size())).orElseThrow();
        GatewayProcess node = nodes.node(victim);
        Map<FleetClient, Integer> onVictim = new LinkedHashMap<>();
        byNode.get(node.name()).forEach(client -> onVictim.put(client, client.reconnects().size()));
        node.kill9();
        await("the clients of " + node.name() + " resubscribed elsewhere").atMost(STEP_TIMEOUT).pollInterval(POLL)
                .until(() -> onVictim.entrySet().stream()
                        .allMatch(entry -> entry.getKey().reconnects().size() > entry.getValue()));
        // As an orchestrator would: the node comes back after HAProxy has seen it die.
        haproxy.awaitStatus(victim, "DOWN", STEP_TIMEOUT);
        node.restart();
        haproxy.awaitStatus(victim, "UP", STEP_TIMEOUT);
        onVictim.keySet().forEach(client -> assertNotOn(node, client));
        return onVictim.entrySet().stream().map(entry -> entry.getKey().reconnects().get(entry.getValue()).millis())
                .sorted().toList();
    }

    /**
     * Waits until the backend's publications on {@code topics} are acknowledged in a new epoch (the owner of their
     * slot changed, so the next publication forked them), then until every client of theirs got one.
     */
    private Followed follow(String change, List<String> topics, Map<String, String> oldEpochs, long since,
                            long redisMillis, long failedBefore) {
        Map<String, String> newEpochs = new LinkedHashMap<>();
        for (String topic : topics) {
            List<String> epochs = await("the backend publishes on " + topic + " in a new epoch").atMost(FOLLOW_BOUND)
                    .pollInterval(POLL).until(() -> List.copyOf(backend.acknowledged(topic).keySet()),
                            seen -> !seen.get(seen.size() - 1).equals(oldEpochs.get(topic)));
            newEpochs.put(topic, epochs.get(epochs.size() - 1));
        }
        long backendMillis = topics.stream().mapToLong(topic -> TimeUnit.NANOSECONDS.toMillis(
                backend.acknowledged(topic).get(newEpochs.get(topic)).firstNanos() - since)).max().orElseThrow();
        List<FleetClient> affected = clients.all().stream().filter(c -> topics.contains(c.topic())).toList();
        await("every client of " + topics + " got a publication of the new epoch").atMost(FOLLOW_BOUND)
                .pollInterval(POLL)
                .until(() -> affected.stream().allMatch(c -> firstIn(c, newEpochs.get(c.topic())) != null));
        List<Long> clientMillis = affected.stream()
                .map(c -> TimeUnit.NANOSECONDS.toMillis(firstIn(c, newEpochs.get(c.topic())).atNanos() - since))
                .sorted().toList();
        return new Followed(change, topics, redisMillis, backendMillis, clientMillis,
                backend.failed() - failedBefore);
    }

    /** The replica of {@code primary} (its first, as {@code INFO replication} lists them). */
    private RedisServerProcess replicaOf(RedisServerProcess primary) {
        Matcher replica = FIRST_REPLICA.matcher(primary.cli("INFO", "replication"));
        assertTrue(replica.find(), primary + " has a replica");
        int port = Integer.parseInt(replica.group(1));
        return cluster.nodes().stream().filter(node -> node.port() == port).findFirst().orElseThrow();
    }

    /** Waits until each of {@code topics} had {@link #BETWEEN_CHANGES} more publications acknowledged. */
    private void awaitPublished(List<String> topics) {
        for (String topic : topics) {
            long from = highest(topic);
            await(BETWEEN_CHANGES + " more publications on " + topic).atMost(STEP_TIMEOUT).pollInterval(POLL)
                    .until(() -> highest(topic) >= from + BETWEEN_CHANGES);
        }
    }

    private long highest(String topic) {
        return backend.acknowledged(topic).values().stream().mapToLong(SteadyBackend.EpochAcks::highestOffset).max()
                .orElse(0);
    }

    /** The epoch of each topic's last acknowledged publication. */
    private Map<String, String> currentEpochs(List<String> topics) {
        Map<String, String> epochs = new LinkedHashMap<>();
        for (String topic : topics) {
            List<String> seen = List.copyOf(backend.acknowledged(topic).keySet());
            epochs.put(topic, seen.get(seen.size() - 1));
        }
        return epochs;
    }

    private static FleetClient.Received firstIn(FleetClient client, String epoch) {
        return client.received().stream().filter(r -> r.epoch().equals(epoch)).findFirst().orElse(null);
    }

    private static String currentNode(FleetClient client) {
        List<String> welcomes = client.nodes();
        return welcomes.get(welcomes.size() - 1);
    }

    private static void assertNotOn(GatewayProcess node, FleetClient client) {
        assertTrue(!currentNode(client).equals(node.name()), client.topic() + ": resumed on another node than "
                + node.name() + ", welcomes " + client.nodes());
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
