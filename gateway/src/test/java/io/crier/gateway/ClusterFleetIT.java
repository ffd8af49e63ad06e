package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.RedisClusterSet;
import io.crier.cluster.StreamPosition;
import io.crier.cluster.redis.Publisher;
import io.crier.cluster.redis.RedisConfig;
import io.crier.cluster.redis.RedisHistoryStore;
import io.crier.cluster.redis.RedisLink;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.support.ClusterChanges;
import io.crier.gateway.support.FleetClient;
import io.crier.gateway.support.FleetClients;
import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.HaproxyProcess;
import io.crier.gateway.support.ProcessFleet;
import io.crier.gateway.support.SteadyBackend;
import io.crier.gateway.support.TestFleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis Cluster mode end to end, under chaos: a Redis Cluster (three primaries with a replica each), two
 * gateway nodes as separate JVMs in cluster mode behind HAProxy (the shipped configuration), {@value #CLIENTS}
 * clients on six topics with history whose slots lie two on each primary, and a backend publishing 20
 * publications per second per topic through the {@code crier_publish} function (SPUBLISH). While it publishes,
 * one after the other: {@code kill -9} of the primary of two topics (its replica is promoted), the slot of a third
 * topic moved by hand to another primary, {@code kill -9} and restart of the node with the most clients (they
 * reconnect through HAProxy to the other and resume), and {@code kill -9} of a second primary while its replica
 * lags (paused), so that the replica is promoted without publications the primary had acknowledged. The nodes'
 * subscriptions follow each change by themselves, and every client ends with every publication of its topic
 * exactly once and in order, or was told {@code recovered:false} because it had seen a publication the promoted
 * replica never got. How long each change took to be followed goes to the log.
 */
class ClusterFleetIT {

    private static final Logger log = LoggerFactory.getLogger(ClusterFleetIT.class);
    private static final String SECRET = "cluster-fleet-test-secret-of-32-bytes!!";
    private static final int NODES = 2;
    private static final int CLIENTS = 200;
    private static final int TOPICS_PER_PRIMARY = 2;
    /** One publication per topic per tick: 20 per second per topic. */
    private static final Duration TICK = Duration.ofMillis(50);
    /** Bounds the backend however long the scenario takes (120 s at 20/s). */
    private static final int MAX_TICKS = 2400;
    private static final HistoryOptions HISTORY = new HistoryOptions(5000, Duration.ofMinutes(5));
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern MOVED = Pattern.compile("(?m)^crier_broker_subscriptions_moved_total (\\S+)$");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** What the four changes did: how each was followed, and what the clients must end with. */
    private record Chaos(List<ClusterChanges.Followed> changes, Map<String, Double> movedSubscriptions,
                         List<Long> reconnects, Map<String, Long> last) {
    }

    @Test
    void aFleetFollowsFailoversASlotMoveAndANodeCrashAndNoClientMissesAPublicationSilently() throws Exception {
        long began = System.nanoTime();
        try (RedisClusterSet cluster = RedisClusterSet.start()) {
            List<String> topics = spreadOverThePrimaries(cluster);
            Map<String, String> env = env(cluster);
            RedisConfig redis = new ConfigLoader().load(null, env).redis();
            try (ProcessFleet nodes = ProcessFleet.start("cluster-fleet", NODES, env);
                 HaproxyProcess haproxy = HaproxyProcess.start(HaproxyProcess.shippedConfig(), ports(nodes));
                 Publisher publisher = Publisher.connect(redis);
                 Heads heads = new Heads(redis);
                 FleetClients clients = new FleetClients()) {
                IntStream.range(0, NODES).forEach(i -> haproxy.awaitStatus(i, "UP", STEP_TIMEOUT));
                // One publication per topic first, so that every client's first subscribe has an epoch to resume in.
                topics.forEach(topic -> publisher.publish(topic, "{\"seed\":true}", HISTORY));
                clients.connect(CLIENTS, i -> clients.client(topics.get(i % topics.size()), token("user-" + i),
                        haproxy.wsUri()), STEP_TIMEOUT);
                assertEveryNodeServesEveryTopic(clients, topics);
                try (SteadyBackend backend = new SteadyBackend(publisher, topics, HISTORY, TICK, MAX_TICKS)) {
                    Chaos chaos = chaos(cluster, nodes, haproxy, backend, clients, topics);
                    Map<String, Long> lost = assertForks(heads, backend, topics, forked(topics));
                    List<FleetClient> toldRecoveredFalse = assertEveryPublicationOnceInOrder(clients, chaos.last(),
                            heads, forked(topics));
                    logFigures(chaos, clients, toldRecoveredFalse, lost, backend, began);

                    // Each node had clients of the three topics of the first two changes, and moved each once.
                    chaos.movedSubscriptions().forEach((node, count) -> assertEquals(TOPICS_PER_PRIMARY + 1.0, count,
                            node + " moved each subscription of a changed slot once"));
                    String lagged = lagged(topics);
                    assertTrue(lost.get(lagged) > 0, "the lagging replica was promoted without acknowledged"
                            + " publications: " + lost);
                    assertEquals(clients.all().stream().filter(c -> c.topic().equals(lagged)).toList(),
                            toldRecoveredFalse.stream().filter(c -> c.topic().equals(lagged)).toList(),
                            "every client of " + lagged + " had received some of them, and was told so");
                }
                IntStream.range(0, NODES).forEach(i -> assertEquals(List.of(), nodes.node(i).leakReports()));
            }
        }
    }

    /**
     * The four changes, one after the other while the backend publishes: a failover, a slot move, a node crash, a
     * failover with a lagging replica; then the backend stops, and every client catches up with its topic's last
     * publication.
     */
    private static Chaos chaos(RedisClusterSet cluster, ProcessFleet nodes, HaproxyProcess haproxy,
                               SteadyBackend backend, FleetClients clients, List<String> topics) throws Exception {
        ClusterChanges change = new ClusterChanges(cluster, backend, clients);
        List<ClusterChanges.Followed> changes = new ArrayList<>();
        changes.add(change.failOver(topics.subList(0, TOPICS_PER_PRIMARY), false));
        changes.add(change.moveSlot(moved(topics), topics.get(2 * TOPICS_PER_PRIMARY)));
        Map<String, Double> movedSubscriptions = subscriptionsMoved(nodes);
        List<Long> reconnects = change.crashAndRestart(nodes, NODES, haproxy, topics);
        changes.add(change.failOver(List.of(lagged(topics)), true));
        backend.stop();
        Map<String, Long> last = backend.finalOffsets();
        clients.awaitCaughtUp(last, STEP_TIMEOUT);
        return new Chaos(changes, movedSubscriptions, reconnects, last);
    }

    /** The topics whose slot got a new owner: both of the first primary, the moved one and the lagged one. */
    private static List<String> forked(List<String> topics) {
        List<String> forked = new ArrayList<>(topics.subList(0, TOPICS_PER_PRIMARY));
        forked.addAll(List.of(moved(topics), lagged(topics)));
        return forked;
    }

    /** The first topic of the second primary, whose slot is moved to the third. */
    private static String moved(List<String> topics) {
        return topics.get(TOPICS_PER_PRIMARY);
    }

    /** The second topic of the second primary, which is killed while its replica lags. */
    private static String lagged(List<String> topics) {
        return topics.get(TOPICS_PER_PRIMARY + 1);
    }

    private static void logFigures(Chaos chaos, FleetClients clients, List<FleetClient> toldRecoveredFalse,
                                   Map<String, Long> lost, SteadyBackend backend, long began) {
        long resubscribes = clients.all().stream().mapToLong(c -> c.subscribes().size() - 1).sum();
        long notRecovered = toldRecoveredFalse.stream().mapToLong(c -> c.subscribes().stream().skip(1)
                .filter(s -> !s.recovered()).count()).sum();
        List<Long> reconnects = chaos.reconnects();
        log.info("Cluster fleet: {} clients through HAProxy, first connections by node {}", CLIENTS,
                clients.countFirstNodes());
        chaos.changes().forEach(change -> log.info("Cluster fleet: {}", change));
        log.info("Cluster fleet: kill -9 and restart of a node: its {} clients resubscribed on the other (from the"
                        + " drop to the ok: median {} ms, max {} ms)", reconnects.size(),
                reconnects.get(reconnects.size() / 2), reconnects.get(reconnects.size() - 1));
        log.info("Cluster fleet: topic subscriptions each node moved to a slot's new owner in the first two changes:"
                + " {}", chaos.movedSubscriptions());
        log.info("Cluster fleet: {} resubscribes, {} answered recovered:false (to {} clients, of {}); acknowledged"
                        + " publications Redis lost, by topic: {}; the backend made {} publications, {} failed; whole"
                        + " run {} ms", resubscribes, notRecovered, toldRecoveredFalse.size(),
                toldRecoveredFalse.stream().map(FleetClient::topic).collect(Collectors.toCollection(TreeSet::new)),
                lost, backend.published(), backend.failed(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    /**
     * Checks each topic's history: the {@code forked} ones (their slot got a new owner) were forked once, the moved
     * one at or above its last acknowledged offset (a migration loses nothing); the others never. Returns, by forked
     * topic, how many acknowledged publications the fork left out: those Redis lost. (A fork above the last
     * acknowledged offset is a publication made whose reply the kill cut off: nothing acknowledged was lost.)
     */
    private static Map<String, Long> assertForks(Heads heads, SteadyBackend backend, List<String> topics,
                                                 List<String> forked) throws Exception {
        Map<String, Long> lost = new LinkedHashMap<>();
        for (String topic : topics) {
            HistorySlice head = heads.of(topic);
            Map<String, SteadyBackend.EpochAcks> acknowledged = backend.acknowledged(topic);
            if (!forked.contains(topic)) {
                assertNull(head.continuedFrom(), topic + " was never forked");
                assertEquals(Set.of(head.position().epoch()), acknowledged.keySet(), topic);
                continue;
            }
            StreamPosition fork = head.continuedFrom();
            assertNotNull(fork, topic + " was forked by its slot's new owner");
            assertNotEquals(fork.epoch(), head.position().epoch());
            assertEquals(List.of(fork.epoch(), head.position().epoch()), List.copyOf(acknowledged.keySet()), topic);
            lost.put(topic, Math.max(0, acknowledged.get(fork.epoch()).highestOffset() - fork.offset()));
        }
        assertEquals(0L, lost.get(moved(topics)), "a slot moved with MIGRATE loses nothing");
        return lost;
    }

    /**
     * Every client has every publication of its topic from its first subscribe on, exactly once and in order; or
     * it was told {@code recovered:false} after having received, in the epoch its topic was forked from, an offset
     * beyond the fork (a publication the slot's new owner never got: Redis lost it), and has every publication
     * exactly once and in order after the last such answer. Returns the clients told {@code recovered:false}.
     */
    private static List<FleetClient> assertEveryPublicationOnceInOrder(FleetClients clients, Map<String, Long> last,
                                                                       Heads heads, List<String> forked)
            throws Exception {
        Map<String, StreamPosition> forks = new TreeMap<>();
        for (String topic : forked) {
            forks.put(topic, heads.of(topic).continuedFrom());
        }
        List<FleetClient> toldRecoveredFalse = new ArrayList<>();
        for (FleetClient client : clients.all()) {
            assertEquals(List.of(), client.problems(), client.topic());
            List<FleetClient.Subscribed> subscribes = client.subscribes();
            int lastNotRecovered = IntStream.range(1, subscribes.size()).filter(i -> !subscribes.get(i).recovered())
                    .max().orElse(-1);
            FleetClient.Subscribed from = subscribes.get(Math.max(0, lastNotRecovered));
            if (lastNotRecovered > 0) {
                toldRecoveredFalse.add(client);
                StreamPosition fork = forks.get(client.topic());
                assertTrue(fork != null && client.received().stream()
                                .anyMatch(r -> r.epoch().equals(fork.epoch()) && r.offset() > fork.offset()),
                        () -> client.topic() + ": told recovered:false without having seen a lost publication; fork "
                                + fork + ", subscribes " + client.subscribes());
            }
            List<Long> offsets = client.offsets().subList(from.after(), client.offsets().size());
            assertOnceInOrder(client, from.offset() + 1, last.get(client.topic()), offsets);
        }
        return toldRecoveredFalse;
    }

    private static void assertOnceInOrder(FleetClient client, long from, long to, List<Long> offsets) {
        List<Long> expected = LongStream.rangeClosed(from, to).boxed().toList();
        if (!expected.equals(offsets)) {
            // The lists are hundreds long: say where they part.
            int at = IntStream.range(0, Math.min(expected.size(), offsets.size()))
                    .filter(i -> !expected.get(i).equals(offsets.get(i))).findFirst()
                    .orElse(Math.min(expected.size(), offsets.size()));
            throw new AssertionError(client.topic() + ": expected offsets " + from + ".." + to + " once in order;"
                    + " they part at index " + at + ": got " + client.received().subList(
                            Math.max(0, at - 3), Math.min(client.received().size(), at + 3)) + ", subscribes "
                    + client.subscribes() + ", nodes " + client.nodes());
        }
    }

    /** Both nodes have clients of every topic, so that both follow every change. */
    private static void assertEveryNodeServesEveryTopic(FleetClients clients, List<String> topics) {
        Map<String, Set<String>> nodesByTopic = clients.all().stream().collect(Collectors.groupingBy(
                FleetClient::topic, Collectors.mapping(c -> c.nodes().get(0), Collectors.toSet())));
        topics.forEach(topic -> assertEquals(NODES, nodesByTopic.get(topic).size(), topic + ": " + nodesByTopic));
    }

    /** Six topics, two on each primary, each in a slot of its own, in the order of the primaries. */
    private static List<String> spreadOverThePrimaries(RedisClusterSet cluster) {
        Map<Integer, List<String>> byPrimary = new LinkedHashMap<>();
        cluster.primaries().forEach(primary -> byPrimary.put(primary.port(), new ArrayList<>()));
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; byPrimary.values().stream().anyMatch(on -> on.size() < TOPICS_PER_PRIMARY); i++) {
            assertTrue(i < 1000, "no topic names spread over the primaries: " + byPrimary);
            String topic = "cfleet:t" + i;
            int slot = cluster.slotOf("crier:" + topic);
            List<String> on = byPrimary.get(cluster.ownerOf(slot).port());
            if (on.size() < TOPICS_PER_PRIMARY && slots.add(slot)) {
                on.add(topic);
            }
        }
        return byPrimary.values().stream().flatMap(List::stream).toList();
    }

    /** Each node's {@code crier_broker_subscriptions_moved_total}. */
    private static Map<String, Double> subscriptionsMoved(ProcessFleet nodes) throws Exception {
        Map<String, Double> moved = new TreeMap<>();
        for (int i = 0; i < NODES; i++) {
            GatewayProcess node = nodes.node(i);
            String scrape = HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher matcher = MOVED.matcher(scrape);
            assertTrue(matcher.find(), node + " has crier_broker_subscriptions_moved_total");
            moved.put(node.name(), Double.parseDouble(matcher.group(1)));
        }
        return moved;
    }

    private static Map<String, String> env(RedisClusterSet cluster) {
        Map<String, String> env = TestFleet.historyEnv(SECRET, cluster.seedUri(), HISTORY);
        env.put("CRIER_REDIS_MODE", "cluster");
        env.put("CRIER_REDIS_TOPOLOGY_REFRESH", "500ms");
        env.put("CRIER_REDIS_COMMAND_TIMEOUT", "2s");
        env.putAll(HaproxyProcess.NODE_ENV);
        // The clients all come from 127.0.0.1, which the PROXY header passes on.
        env.put("CRIER_LIMITS_MAX_CONNECTIONS_PER_IP", "10000");
        return env;
    }

    private static List<Integer> ports(ProcessFleet nodes) {
        return IntStream.range(0, NODES).mapToObj(i -> nodes.node(i).port()).toList();
    }

    private static String token(String user) {
        return TestTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), user, List.of("*"), List.of(),
                Duration.ofMinutes(10));
    }

    /** Reads topics' history heads (position, and the position a fork continues) on the cluster. */
    private static final class Heads implements AutoCloseable {
        private final RedisLink link;
        private final RedisHistoryStore store;

        Heads(RedisConfig redis) throws Exception {
            link = new RedisLink(redis);
            store = new RedisHistoryStore(link);
            store.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        HistorySlice of(String topic) throws Exception {
            return store.read(topic, 0, 0, HISTORY).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            store.close();
            link.close();
        }
    }
}
