package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.RedisSentinelSet;
import io.crier.cluster.RedisServerProcess;
import io.crier.cluster.StreamPosition;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.HistoryPublisher;
import io.crier.gateway.support.FleetClient;
import io.crier.gateway.support.FleetClients;
import io.crier.gateway.support.TestFleet;
import io.crier.gateway.support.WsTestClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sentinel mode end to end: two nodes on a Sentinel set (one master, one replica, three sentinels), clients of
 * a topic with history on both, a backend publishing steadily through the Redis function, and {@code kill -9} of
 * the master while it publishes. The nodes follow the master the sentinels promote by themselves: {@code /readyz}
 * turns 503 and comes back to 200, and every client ends with every publication of the topic exactly once and in
 * order, or was told {@code recovered:false} because it had seen a publication the promoted replica never got.
 */
class SentinelFleetIT {

    private static final Logger log = LoggerFactory.getLogger(SentinelFleetIT.class);
    private static final String SECRET = "sentinel-fleet-test-secret-of-32-bytes!";
    private static final String TOPIC = "failover:feed";
    private static final HistoryOptions HISTORY = new HistoryOptions(1000, Duration.ofMinutes(5));
    private static final int CLIENTS = 4;
    private static final int PUBLICATIONS = 300;
    private static final Duration PACE = Duration.ofMillis(10);
    private static final Duration FOLLOW_BOUND = Duration.ofSeconds(20);
    /** Long enough to span the kill; short enough to end before the promoted replica takes publications. */
    private static final Duration REPLICA_PAUSE = Duration.ofMillis(1500);

    @Test
    void aFleetFollowsAMasterKilledWhilePublishingAndNoClientMissesAPublicationSilently() throws Exception {
        Outcome outcome = failOverWhilePublishing(sentinels -> { });

        for (int i = 0; i < outcome.clients().size(); i++) {
            FleetClient client = outcome.clients().get(i);
            if (outcome.toldRecoveredFalse().contains(i)) {
                assertSawWhatWasLost(client, outcome.fork(), i);
            } else {
                assertEquals(LongStream.rangeClosed(2, outcome.top()).boxed().toList(), client.offsets(),
                        "client " + i + ": every publication exactly once, in order");
            }
        }
        assertTrue(outcome.lost() > 0 || outcome.toldRecoveredFalse().isEmpty(),
                "recovered:false only when the promoted replica really lacked publications");
    }

    @Test
    void publicationsThePromotedReplicaNeverGotAreToldAsRecoveredFalseNeverAsSilence() throws Exception {
        // The replica stops applying the replication stream (a paused replica: as a lagging one would) while the
        // master goes on acknowledging and publishing; then the master dies, and the replica is promoted without
        // what it had not applied.
        Outcome outcome = failOverWhilePublishing(sentinels -> {
            sentinels.replica().cli("CLIENT", "PAUSE", Long.toString(REPLICA_PAUSE.toMillis()), "WRITE");
        });

        assertTrue(outcome.lost() > 0, "the promoted replica lacks acknowledged publications: " + outcome);
        assertEquals(allClients(), outcome.toldRecoveredFalse(), "every client saw some of them live");
        for (int i = 0; i < outcome.clients().size(); i++) {
            assertSawWhatWasLost(outcome.clients().get(i), outcome.fork(), i);
        }
    }

    /** What a failover did: the clients, the fork, what was lost, and who was told recovered:false. */
    private record Outcome(List<FleetClient> clients, StreamPosition fork, long top, long lost,
                           List<Integer> toldRecoveredFalse) {
    }

    /**
     * Starts a Sentinel set and two nodes on it, subscribes {@link #CLIENTS} clients, publishes steadily, runs
     * {@code beforeKill} a third of the way, lets some more publications through, kills the master, and checks
     * what every failover must give: {@code /readyz} 503 then 200 on both nodes within {@link #FOLLOW_BOUND}, the
     * topic forked by the promoted replica, and every client caught up with the top without any problem.
     */
    private Outcome failOverWhilePublishing(Consumer<RedisSentinelSet> beforeKill) throws Exception {
        RedisSentinelSet sentinels = RedisSentinelSet.start();
        Map<String, String> env = TestFleet.historyEnv(SECRET, sentinels.uri(), HISTORY);
        env.put("CRIER_REDIS_COMMAND_TIMEOUT", "2s");
        try (TestFleet fleet = TestFleet.start(sentinels, 2, env);
             HistoryPublisher publisher = new HistoryPublisher(fleet.config().redis(), TOPIC, HISTORY);
             FleetClients crowd = new FleetClients()) {
            sentinels.awaitReadyForFailover();
            publisher.publish(1, 1, Duration.ZERO).get(10, TimeUnit.SECONDS);
            List<URI> nodes = List.of(URI.create(fleet.node(0).webSocketUrl()), URI.create(fleet.node(1).webSocketUrl()));
            crowd.connect(CLIENTS, i -> crowd.client(TOPIC, token("client-" + i), nodes, i % 2), WsTestClient.WAIT);
            List<FleetClient> clients = crowd.all();
            CompletableFuture<Void> run = publisher.publish(PUBLICATIONS, 1, PACE);
            awaitAcknowledged(publisher, 1 + PUBLICATIONS / 3);
            beforeKill.accept(sentinels);
            awaitAcknowledged(publisher, publisher.acknowledged() + 30);

            long killed = System.nanoTime();
            RedisServerProcess old = sentinels.killMaster();
            fleet.awaitReady(503);
            long unready = System.nanoTime() - killed;
            RedisServerProcess promoted = sentinels.awaitFailover(old, FOLLOW_BOUND);
            long promotedAfter = System.nanoTime() - killed;
            fleet.awaitReady(200);
            long readyAgain = System.nanoTime() - killed;
            run.get(60, TimeUnit.SECONDS);

            HistorySlice head = publisher.head();
            StreamPosition fork = head.continuedFrom();
            assertNotNull(fork, "the promoted replica forked the topic");
            assertNotEquals(fork.epoch(), head.position().epoch());
            long acknowledgedBeforeKill = publisher.acknowledgedPositions().stream()
                    .filter(position -> position.epoch().equals(fork.epoch()))
                    .mapToLong(StreamPosition::offset).max().orElseThrow();
            long top = head.position().offset();
            List<Integer> toldRecoveredFalse = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                FleetClient client = clients.get(i);
                await("client " + i + " caught up to " + top).atMost(FOLLOW_BOUND)
                        .until(() -> client.lastOffset() >= top);
                assertEquals(List.of(), client.problems(), "client " + i);
                if (client.subscribes().stream().skip(1).anyMatch(subscribed -> !subscribed.recovered())) {
                    toldRecoveredFalse.add(i);
                }
            }
            Outcome outcome = new Outcome(clients, fork, top, acknowledgedBeforeKill - fork.offset(),
                    toldRecoveredFalse);
            log.info("kill -9 of the master at offset {}: both nodes answered /readyz 503 within {} ms, the sentinels"
                    + " named {} after {} ms, both nodes answered 200 again after {} ms; the promoted replica had the"
                    + " topic up to {} ({} acknowledged publications lost); clients told recovered:false: {};"
                    + " connections per client: {}; subscribes answered unavailable (a node not back yet) and sent"
                    + " again: {}", acknowledgedBeforeKill, unready / 1_000_000, promoted,
                    promotedAfter / 1_000_000, readyAgain / 1_000_000, fork.offset(), outcome.lost(), toldRecoveredFalse,
                    clients.stream().map(FleetClient::connections).toList(),
                    clients.stream().map(FleetClient::unavailableSubscribes).toList());
            assertTrue(readyAgain < FOLLOW_BOUND.toNanos());
            return outcome;
        }
    }

    private static void awaitAcknowledged(HistoryPublisher publisher, int count) {
        await("the backend has " + count + " publications acknowledged").atMost(Duration.ofSeconds(20))
                .until(() -> publisher.acknowledged() >= count);
    }

    private static List<Integer> allClients() {
        return IntStream.range(0, CLIENTS).boxed().toList();
    }

    /** A client told recovered:false had received, in the old epoch, a publication after the fork: a lost one. */
    private static void assertSawWhatWasLost(FleetClient client, StreamPosition fork, int index) {
        assertTrue(client.received().stream().anyMatch(received -> received.epoch().equals(fork.epoch())
                        && received.offset() > fork.offset()),
                () -> "client " + index + " was told recovered:false without having seen a lost publication: "
                        + client.subscribes());
    }

    private static String token(String user) {
        return TestTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), user, List.of("*"), List.of(),
                Duration.ofMinutes(10));
    }
}
