package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.RedisServerProcess;
import io.crier.cluster.StreamPosition;
import io.crier.cluster.redis.Publisher;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.ProcessFleet;
import io.crier.gateway.support.FleetClient;
import io.crier.gateway.support.FleetClients;
import io.crier.gateway.support.TestFleet;
import io.crier.gateway.support.WsTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The subscribe-while-publishing race at a high rate, with the gateway nodes as separate processes
 * ({@link ProcessFleet}): a backend publishes {@value #COUNT} publications through the cluster {@link Publisher}
 * as fast as one connection goes, while {@value #CLIENTS} clients on both nodes subscribe at random points of
 * the run, half with {@code since} an earlier position and half without. Each must see every offset after its
 * starting point (its {@code since}, or the position its {@code ok} gave) up to the last, once, in order.
 * Subscribes are paced by publication count, never by time: client {@code i} subscribes (on a small pool, so
 * subscribes overlap) once the publisher reached its cue, and the publisher runs at most {@value #LEAD}
 * publications past a cue until that subscribe is answered, so every subscribe lands inside the run however
 * slow the machine is.
 */
class SubscribeRaceIT {

    private static final String SECRET = "subscribe-race-test-secret-of-32-bytes!!";
    private static final int COUNT = 5_000;
    private static final int CLIENTS = 20;
    private static final int LEAD = 100;
    /** How far back a {@code since} client starts, at most. */
    private static final int SINCE_BACK = 300;
    private static final HistoryOptions HISTORY = new HistoryOptions(2 * COUNT, Duration.ofMinutes(5));
    private static final Duration CATCH_UP = Duration.ofSeconds(20);

    @Test
    void clientsSubscribingOnBothNodesDuringAFastRunSeeEveryLaterOffsetOnceInOrder() throws Exception {
        String topic = "race:subscribe";
        long[] cues = ThreadLocalRandom.current().longs(CLIENTS, SINCE_BACK, COUNT - LEAD).sorted().toArray();
        ExecutorService subscribers = Executors.newFixedThreadPool(4);
        List<CompletableFuture<Racer>> racers = new ArrayList<>();
        try (RedisServerProcess redis = RedisServerProcess.start();
             ProcessFleet fleet = ProcessFleet.start("race", 2, TestFleet.historyEnv(SECRET, redis, HISTORY));
             Publisher publisher = Publisher.connect(redis.uri(), "crier:");
             Run run = new Run(publisher, topic, cues);
             FleetClients crowd = new FleetClients()) {
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    int client = i;
                    racers.add(run.reached(i)
                            .thenApplyAsync(cue -> Racer.start(client, topic, cue, fleet, crowd), subscribers)
                            .whenComplete((racer, error) -> run.answered(client)));
                }
                long last = run.done().get(CATCH_UP.toSeconds(), TimeUnit.SECONDS).offset();
                assertEquals(COUNT, last, "one offset per publication");
                for (int i = 0; i < CLIENTS; i++) {
                    Racer racer = racers.get(i).get(CATCH_UP.toSeconds(), TimeUnit.SECONDS);
                    assertGaplessFrom(racer.client(), racer.start(), last, "client " + i);
                }
            } finally {
                // Before the nodes stop, or the clients would try to reconnect to them.
                racers.forEach(racer -> racer.thenAccept(r -> r.client().close()));
            }
        } finally {
            subscribers.shutdownNow();
        }
    }

    private static void assertGaplessFrom(FleetClient client, long start, long last, String name) {
        await(name + " caught up to " + last).atMost(CATCH_UP).until(() -> client.lastOffset() >= last);
        List<Long> expected = LongStream.rangeClosed(start + 1, last).boxed().toList();
        assertEquals(expected, client.offsets(), name + ": every offset after " + start + " once, in order");
        assertEquals(1, client.received().stream().map(FleetClient.Received::epoch).distinct().count(), name);
        assertEquals(1, client.connections(), name + " never had to reconnect");
        assertEquals(List.of(), client.problems(), name);
    }

    private static String token(String user) {
        return TestTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), user, List.of("*"), List.of(),
                Duration.ofMinutes(10));
    }

    /**
     * One client of the race and its starting point. Even-numbered clients subscribe with {@code since} a random
     * position up to {@value #SINCE_BACK} before their cue (and must recover), odd ones without; clients 0, 1 go
     * to node 1, clients 2, 3 to node 2, and so on.
     */
    private record Racer(FleetClient client, long start) {

        static Racer start(int i, String topic, StreamPosition cue, ProcessFleet fleet, FleetClients crowd) {
            FleetClient client = crowd.client(topic, token("racer-" + i), fleet.wsUris(), (i / 2) % 2);
            try {
                if (i % 2 == 1) {
                    crowd.connect(client, WsTestClient.WAIT);
                    return new Racer(client, client.subscribes().get(0).offset());
                }
                long since = cue.offset() - ThreadLocalRandom.current().nextInt(SINCE_BACK);
                crowd.connect(client.since(since, cue.epoch()), WsTestClient.WAIT);
                assertTrue(client.subscribes().get(0).recovered(), () -> "recovered: " + client.subscribes());
                return new Racer(client, since);
            } catch (Exception e) {
                throw new IllegalStateException("client " + i + " could not subscribe", e);
            }
        }
    }

    /**
     * The backend's run, on its own thread: publishes {@code {"n":1}} to {@code {"n":COUNT}} one after the
     * other; completes {@link #reached(int)} once publication {@code cues[i]} is acknowledged, and waits for
     * {@link #answered(int)} before it goes more than {@value #LEAD} past that cue.
     */
    private static final class Run implements AutoCloseable {
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final long[] cues;
        private final List<CompletableFuture<StreamPosition>> reached;
        private final List<CompletableFuture<Void>> answered;
        private final CompletableFuture<StreamPosition> done;

        Run(Publisher publisher, String topic, long[] cues) {
            this.cues = cues.clone();
            this.reached = IntStream.range(0, cues.length).mapToObj(i -> new CompletableFuture<StreamPosition>())
                    .toList();
            this.answered = IntStream.range(0, cues.length).mapToObj(i -> new CompletableFuture<Void>()).toList();
            this.done = CompletableFuture.supplyAsync(() -> publishAll(publisher, topic), thread);
            // A failed run fails the clients' waits at once, with its cause.
            done.whenComplete((last, error) -> reached.forEach(cue -> cue.completeExceptionally(
                    error != null ? error : new IllegalStateException("the run ended before this cue"))));
        }

        CompletableFuture<StreamPosition> reached(int client) {
            return reached.get(client);
        }

        void answered(int client) {
            answered.get(client).complete(null);
        }

        CompletableFuture<StreamPosition> done() {
            return done;
        }

        private StreamPosition publishAll(Publisher publisher, String topic) {
            StreamPosition position = null;
            int cue = 0;
            int gate = 0;
            for (int n = 1; n <= COUNT; n++) {
                while (gate < cues.length && n > cues[gate] + LEAD) {
                    awaitAnswer(gate++);
                }
                position = publisher.publish(topic, "{\"n\":" + n + "}", HISTORY);
                while (cue < cues.length && n >= cues[cue]) {
                    reached.get(cue++).complete(position);
                }
            }
            return position;
        }

        private void awaitAnswer(int client) {
            try {
                answered.get(client).get(CATCH_UP.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                // The test thread gave up on this client (it failed first): stop publishing, and say why.
                throw new IllegalStateException("subscribe " + client + " was never answered", e);
            }
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }
}
