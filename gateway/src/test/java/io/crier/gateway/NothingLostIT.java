package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.Publisher;
import io.crier.cluster.RedisServerProcess;
import io.crier.cluster.StreamPosition;
import io.crier.gateway.auth.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void clientsOfANodeKilledWhilePublishingResumeOnTheOtherWithEveryOffsetOnceInOrder() throws Exception {
        String topic = "lost:kill9";
        try (RedisServerProcess redis = RedisServerProcess.start();
             Fleet fleet = Fleet.start(redis);
             Publisher publisher = Publisher.connect(redis.uri(), "crier:")) {
            long first = publisher.publish(topic, "{\"n\":0}", HISTORY).offset();
            List<ResumingClient> clients = clients(topic, fleet, 6);
            try (Steady steady = new Steady(publisher, topic)) {
                await("a third published").atMost(CATCH_UP).until(() -> steady.published() >= STEADY_COUNT / 3);
                fleet.node1.kill9();
                steady.done().get(CATCH_UP.toSeconds(), TimeUnit.SECONDS);
                assertEquals(List.of(), steady.failures());
                assertEveryOffsetOnceInOrder(clients, first + 1, steady.lastOffset());
                for (int i = 0; i < clients.size(); i += 2) {
                    ResumingClient moved = clients.get(i);
                    assertTrue(moved.connections() >= 2, "a client of the killed node reconnected");
                    assertTrue(moved.subscribes().stream().skip(1).allMatch(ResumingClient.Subscribed::recovered),
                            () -> "recovered on the other node: " + moved.subscribes());
                }
            } finally {
                clients.forEach(ResumingClient::close);
            }
        }
    }

    @Test
    void redisRestartedWithoutPersistenceTellsResubscribingClientsRecoveredFalse() throws Exception {
        String topic = "lost:epoch";
        try (RedisServerProcess redis = RedisServerProcess.start();
             Fleet fleet = Fleet.start(redis);
             Publisher publisher = Publisher.connect(redis.uri(), "crier:")) {
            String oldEpoch = publisher.publish(topic, "{\"n\":0}", HISTORY).epoch();
            List<ResumingClient> clients = clients(topic, fleet, 4);
            try {
                for (int n = 1; n <= 5; n++) {
                    publisher.publish(topic, "{\"n\":" + n + "}", HISTORY);
                }
                assertEveryOffsetOnceInOrder(clients, 2, 6);

                redis.kill();
                redis.restart();
                fleet.awaitReady();
                String newEpoch = publishWhenBack(publisher, topic).epoch();
                assertNotEquals(oldEpoch, newEpoch, "history was lost: a new epoch");

                try (WsTestClient late = WsTestClient.connect(fleet.node2.wsUri())) {
                    authenticate(late, "late");
                    late.send("{\"type\":\"subscribe\",\"id\":2,\"topic\":\"" + topic + "\",\"since\":{\"offset\":6,"
                            + "\"epoch\":\"" + oldEpoch + "\"}}");
                    String reply = late.awaitContaining("\"id\":2");
                    assertTrue(reply.startsWith("{\"type\":\"ok\",\"id\":2,\"recovered\":false,"), reply);
                    assertTrue(reply.contains("\"epoch\":\"" + newEpoch + "\""), reply);
                }
                // The node finds the history gone when its link comes back (or at the new epoch's first
                // publication): it closes the topic's sessions with 4006, and their resubscribe says
                // recovered:false with the position of then (the new epoch, or "-" before its first publication).
                for (ResumingClient client : clients) {
                    await("the client is told it lost publications").atMost(CATCH_UP).untilAsserted(() -> assertTrue(
                            client.subscribes().stream().skip(1)
                                    .anyMatch(s -> !s.recovered() && !s.epoch().equals(oldEpoch)),
                            () -> "subscribes " + client.subscribes() + ", received " + client.received()));
                }
                long next = publisher.publish(topic, "{\"n\":\"next\"}", HISTORY).offset();
                for (ResumingClient client : clients) {
                    await("the client goes on in the new epoch").atMost(CATCH_UP).until(() -> client.received()
                            .contains(new ResumingClient.Received(next, newEpoch)));
                    assertEquals(List.of(), client.problems());
                }
            } finally {
                clients.forEach(ResumingClient::close);
            }
        }
    }

    @Test
    void redisRestartedWithAofWhilePublishingIsRepairedWithoutDisconnectingAnyone() throws Exception {
        String topic = "lost:aof";
        try (RedisServerProcess redis = RedisServerProcess.startWithAof();
             Fleet fleet = Fleet.start(redis);
             Publisher publisher = Publisher.connect(redis.uri(), "crier:")) {
            long first = publisher.publish(topic, "{\"n\":0}", HISTORY).offset();
            List<ResumingClient> clients = clients(topic, fleet, 4);
            try (Steady steady = new Steady(publisher, topic)) {
                await("a third published").atMost(CATCH_UP).until(() -> steady.published() >= STEADY_COUNT / 3);
                redis.kill();
                redis.restart();
                steady.done().get(CATCH_UP.toSeconds(), TimeUnit.SECONDS);
                long last = Math.max(steady.lastOffset(), publishWhenBack(publisher, topic).offset());
                assertEveryOffsetOnceInOrder(clients, first + 1, last);
                for (ResumingClient client : clients) {
                    assertEquals(1, client.connections(), "gap repair disconnects nobody");
                }
            } finally {
                clients.forEach(ResumingClient::close);
            }
        }
    }

    /** {@code count} clients of {@code topic}, alternately on node 1 and node 2, each able to move to the other. */
    private static List<ResumingClient> clients(String topic, Fleet fleet, int count) throws Exception {
        List<URI> nodes = List.of(fleet.node1.wsUri(), fleet.node2.wsUri());
        List<ResumingClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                clients.add(ResumingClient.start(topic, token("client-" + i), nodes, i % 2));
            }
            return clients;
        } catch (Exception e) {
            clients.forEach(ResumingClient::close);
            throw e;
        }
    }

    private static void assertEveryOffsetOnceInOrder(List<ResumingClient> clients, long from, long to) {
        List<Long> expected = LongStream.rangeClosed(from, to).boxed().toList();
        for (ResumingClient client : clients) {
            await("client caught up to " + to).atMost(CATCH_UP).until(() -> client.lastOffset() >= to);
            assertEquals(expected, client.offsets(), "every offset exactly once, in order");
            assertEquals(1, client.received().stream().map(ResumingClient.Received::epoch).distinct().count());
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
        client.send("{\"type\":\"auth\",\"id\":1,\"token\":\"" + token(user) + "\"}");
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
    }

    /** Two nodes on one Redis, started side by side. */
    private record Fleet(GatewayProcess node1, GatewayProcess node2) implements AutoCloseable {

        static Fleet start(RedisServerProcess redis) {
            CompletableFuture<GatewayProcess> one = CompletableFuture.supplyAsync(() -> node("lost-1", redis));
            CompletableFuture<GatewayProcess> two = CompletableFuture.supplyAsync(() -> node("lost-2", redis));
            try {
                return new Fleet(one.join(), two.join());
            } catch (RuntimeException e) {
                one.thenAccept(GatewayProcess::close);
                two.thenAccept(GatewayProcess::close);
                throw e;
            }
        }

        private static GatewayProcess node(String name, RedisServerProcess redis) {
            return GatewayProcess.named(name)
                    .env("CRIER_AUTH_HMAC_SECRET", SECRET)
                    .env("CRIER_REDIS_URI", redis.uri())
                    .env("CRIER_REDIS_RECONNECT_MIN_DELAY", "50ms")
                    .env("CRIER_REDIS_RECONNECT_MAX_DELAY", "500ms")
                    .env("CRIER_NAMESPACES_DEFAULT_HISTORY_SIZE", Integer.toString(HISTORY.size()))
                    .env("CRIER_NAMESPACES_DEFAULT_HISTORY_TTL", "5m")
                    .env("CRIER_DRAIN_WINDOW", "0s")
                    .start();
        }

        void awaitReady() {
            for (GatewayProcess node : List.of(node1, node2)) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/readyz")).build();
                await(node.name() + " ready").atMost(CATCH_UP).ignoreExceptions().until(
                        () -> HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            }
        }

        @Override
        public void close() {
            node1.close();
            node2.close();
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

        int published() {
            return published.get();
        }

        long lastOffset() {
            return lastOffset.get();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        CompletableFuture<Void> done() {
            return done;
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
