package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.RedisServerProcess;
import io.crier.cluster.StreamPosition;
import io.crier.cluster.redis.Publisher;
import io.crier.gateway.auth.TestTokens;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.FleetClient;
import io.crier.gateway.support.FleetClients;
import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.ProcessFleet;
import io.crier.gateway.support.TestFleet;
import io.crier.gateway.support.WsTestClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Crier's promise, end to end, with gateway nodes as separate processes ({@link GatewayProcess}), a real
 * {@code redis-server} and a backend publishing at a steady rate through the cluster {@link Publisher}
 * (the Redis function {@code crier_publish}): a client that comes back gets every publication it missed,
 * exactly once, in order, on whichever node it lands; when it cannot, it is told {@code recovered:false}.
 * Each test starts its own Redis and nodes; every topic keeps 1000 publications for 5 minutes.
 *
 * <p>Presence after a node crash is proven by
 * {@code PresenceIT#sessionsOfACrashedNodeLeavePresenceWithinTtlPlusOneRefreshInterval}, which kills a
 * {@link GatewayProcess} with SIGKILL too.
 */
class NothingLostIT {

    private static final String SECRET = "nothing-lost-test-secret-of-32-bytes-min";
    private static final HistoryOptions HISTORY = new HistoryOptions(1000, Duration.ofMinutes(5));
    private static final Duration EVERY = Duration.ofMillis(20);
    private static final int STEADY_COUNT = 300;
    private static final Duration CATCH_UP = Duration.ofSeconds(20);

    @Test
    void clientsOfANodeKilledWhilePublishingResumeOnTheOtherWithEveryOffsetOnceInOrder() throws Exception {
        String topic = "lost:kill9";
        try (Scenario scenario = Scenario.start(topic, RedisServerProcess.start(), 6);
             Steady steady = new Steady(scenario.publisher(), topic)) {
            steady.disruptAfterAThird(scenario.fleet().node(0)::kill9);
            assertEquals(List.of(), steady.failures());
            List<FleetClient> clients = scenario.clients();
            assertEveryOffsetOnceInOrder(clients, scenario.first() + 1, steady.lastOffset(), 1);
            for (int i = 0; i < clients.size(); i += 2) {
                FleetClient moved = clients.get(i);
                assertTrue(moved.connections() >= 2, "a client of the killed node reconnected");
                assertTrue(moved.subscribes().stream().skip(1).allMatch(FleetClient.Subscribed::recovered),
                        () -> "recovered on the other node: " + moved.subscribes());
            }
        }
    }

    @Test
    void redisRestartedWithoutPersistenceTellsResubscribingClientsRecoveredFalse() throws Exception {
        String topic = "lost:epoch";
        try (Scenario scenario = Scenario.start(topic, RedisServerProcess.start(), 4)) {
            Publisher publisher = scenario.publisher();
            List<FleetClient> clients = scenario.clients();
            String oldEpoch = scenario.epoch();
            for (int n = 1; n <= 5; n++) {
                publisher.publish(topic, "{\"n\":" + n + "}", HISTORY);
            }
            assertEveryOffsetOnceInOrder(clients, 2, 6, 1);

            scenario.redis().kill();
            scenario.redis().restart();
            scenario.fleet().awaitReady();
            String newEpoch = publishWhenBack(publisher, topic).epoch();
            assertNotEquals(oldEpoch, newEpoch, "history was lost: a new epoch");

            try (WsTestClient late = WsTestClient.connect(scenario.fleet().node(1).wsUri())) {
                authenticate(late, "late");
                late.send(ClientCommands.subscribe(2, topic, 6, oldEpoch));
                String reply = late.awaitContaining("\"id\":2");
                assertTrue(reply.startsWith("{\"type\":\"ok\",\"id\":2,\"recovered\":false,"), reply);
                assertTrue(reply.contains("\"epoch\":\"" + newEpoch + "\""), reply);
            }
            // The node finds the history gone when its link comes back (or at the new epoch's first
            // publication): it closes the topic's sessions with 4006, and their resubscribe says
            // recovered:false with the position of then (the new epoch, or "-" before its first publication).
            for (FleetClient client : clients) {
                await("the client is told it lost publications").atMost(CATCH_UP).untilAsserted(() -> assertTrue(
                        client.subscribes().stream().skip(1)
                                .anyMatch(s -> !s.recovered() && !s.epoch().equals(oldEpoch)),
                        () -> "subscribes " + client.subscribes() + ", received " + client.received()));
            }
            long next = publisher.publish(topic, "{\"n\":\"next\"}", HISTORY).offset();
            for (FleetClient client : clients) {
                await("the client goes on in the new epoch").atMost(CATCH_UP).untilAsserted(() -> assertTrue(
                        client.received().stream()
                                .anyMatch(received -> received.offset() == next && received.epoch().equals(newEpoch)),
                        () -> "offset " + next + " of " + newEpoch + " not received; subscribes " + client.subscribes()
                                + ", received " + client.received() + ", problems " + client.problems()));
                assertEquals(List.of(), client.problems());
            }
        }
    }

    @Test
    void redisRestartedWithAofWhilePublishingIsRepairedWithoutDisconnectingAnyone() throws Exception {
        String topic = "lost:aof";
        try (Scenario scenario = Scenario.start(topic, RedisServerProcess.startWithAof(), 4);
             Steady steady = new Steady(scenario.publisher(), topic)) {
            steady.disruptAfterAThird(() -> {
                scenario.redis().kill();
                scenario.redis().restart();
            });
            long last = Math.max(steady.lastOffset(), publishWhenBack(scenario.publisher(), topic).offset());
            // The restarted Redis forks the topic: its offsets go on in a second epoch.
            assertEveryOffsetOnceInOrder(scenario.clients(), scenario.first() + 1, last, 2);
            for (FleetClient client : scenario.clients()) {
                assertEquals(1, client.connections(), "gap repair disconnects nobody");
            }
        }
    }

    /** {@code count} clients of {@code topic}, alternately on node 1 and node 2, each able to move to the other. */
    private static FleetClients resumingClients(String topic, ProcessFleet fleet, int count) throws Exception {
        List<URI> nodes = fleet.wsUris();
        FleetClients clients = new FleetClients();
        try {
            clients.connect(count, i -> clients.client(topic, token("client-" + i), nodes, i % 2), WsTestClient.WAIT);
            return clients;
        } catch (Exception | AssertionError e) {
            clients.close();
            throw e;
        }
    }

    /** Every client got offsets {@code from}..{@code to} once, in order, in {@code epochs} epochs. */
    private static void assertEveryOffsetOnceInOrder(List<FleetClient> clients, long from, long to, int epochs) {
        List<Long> expected = LongStream.rangeClosed(from, to).boxed().toList();
        for (FleetClient client : clients) {
            await("client caught up to " + to).atMost(CATCH_UP).until(() -> client.lastOffset() >= to);
            assertEquals(expected, client.offsets(), "every offset exactly once, in order");
            assertEquals(epochs, client.received().stream().map(FleetClient.Received::epoch).distinct().count());
            assertEquals(List.of(), client.problems());
        }
    }

    /** Publishes once Redis (and its function library) is back; retries the failures of the reconnect. */
    private static StreamPosition publishWhenBack(Publisher publisher, String topic) {
        AtomicInteger attempt = new AtomicInteger();
        return await("the publisher publishes again").atMost(CATCH_UP).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> publisher.publish(topic, "{\"after\":" + attempt.incrementAndGet() + "}", HISTORY),
                        position -> position != null);
    }

    private static String token(String user) {
        return TestTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), user, List.of("*"), List.of(),
                Duration.ofMinutes(10));
    }

    private static void authenticate(WsTestClient client, String user) throws Exception {
        client.send(ClientCommands.auth(1, token(user)));
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
    }

    /**
     * One test's parts, closed in reverse order: a Redis (given started), two nodes as processes on it, a backend
     * {@link Publisher}, the position of the topic's first publication ({@code {"n":0}}), then {@code count}
     * clients of the topic alternately on node 1 and node 2.
     */
    private record Scenario(RedisServerProcess redis, ProcessFleet fleet, Publisher publisher, StreamPosition start,
            FleetClients crowd) implements AutoCloseable {

        static Scenario start(String topic, RedisServerProcess redis, int count) throws Exception {
            ProcessFleet fleet = null;
            Publisher publisher = null;
            try {
                fleet = ProcessFleet.start("lost", 2, TestFleet.historyEnv(SECRET, redis, HISTORY));
                publisher = Publisher.connect(redis.uri(), "crier:");
                StreamPosition start = publisher.publish(topic, "{\"n\":0}", HISTORY);
                return new Scenario(redis, fleet, publisher, start, resumingClients(topic, fleet, count));
            } catch (Exception | AssertionError e) {
                closeAll(publisher, fleet, redis);
                throw e;
            }
        }

        List<FleetClient> clients() {
            return crowd.all();
        }

        long first() {
            return start.offset();
        }

        String epoch() {
            return start.epoch();
        }

        @Override
        public void close() {
            closeAll(crowd, publisher, fleet, redis);
        }

        private static void closeAll(AutoCloseable... parts) {
            for (AutoCloseable part : parts) {
                try {
                    if (part != null) {
                        part.close();
                    }
                } catch (Exception e) {
                    // Best effort: one part failing to stop must not keep the others running.
                    System.err.println("could not stop " + part + ": " + e);
                }
            }
        }
    }

    /**
     * A backend publishing {@value #STEADY_COUNT} publications at one per {@link #EVERY} on a timer thread
     * (a failed publication is recorded, not retried: it never got an offset, or, if it timed out, Redis
     * still gave it one and the clients must get it).
     */
    private static final class Steady implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final AtomicInteger attempts = new AtomicInteger();
        private final AtomicInteger published = new AtomicInteger();
        private final AtomicLong lastOffset = new AtomicLong();
        private final List<String> failures = new CopyOnWriteArrayList<>();

        Steady(Publisher publisher, String topic) {
            timer.scheduleAtFixedRate(() -> tick(publisher, topic), 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void tick(Publisher publisher, String topic) {
            int n = attempts.incrementAndGet();
            if (n > STEADY_COUNT) {
                done.complete(null);
                return;
            }
            try {
                StreamPosition position = publisher.publish(topic, "{\"n\":" + n + "}", HISTORY);
                lastOffset.accumulateAndGet(position.offset(), Math::max);
                published.incrementAndGet();
            } catch (RuntimeException e) {
                // Redis is away (the test killed it): recorded; the next tick tries again with the next number.
                failures.add(n + ": " + e);
            }
        }

        /**
         * Once a third of the publications went out, runs {@code disruption}, then waits until the last one went
         * out.
         */
        void disruptAfterAThird(Runnable disruption) throws Exception {
            await("a third published").atMost(CATCH_UP).until(() -> published.get() >= STEADY_COUNT / 3);
            disruption.run();
            done.get(CATCH_UP.toSeconds(), TimeUnit.SECONDS);
        }

        long lastOffset() {
            return lastOffset.get();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
