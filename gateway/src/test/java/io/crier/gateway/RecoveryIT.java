package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.CrierConfig;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.HistoryPublisher;
import io.crier.gateway.support.TestFleet;
import io.crier.gateway.support.WsTestClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recovery and gap repair on real parts: a {@code redis-server} with AOF persistence, two gateway nodes, real
 * WebSocket clients, and a backend publishing through the Redis function at a high rate.
 */
class RecoveryIT {

    private static final String SECRET = "recovery-it-secret-of-at-least-32-bytes!";
    private static final Pattern OFFSET = Pattern.compile("\"offset\":(\\d+)");
    private static final HistoryOptions HISTORY = new HistoryOptions(10_000, Duration.ofMinutes(10));

    private static TestFleet fleet;
    private static RedisServerProcess redis;
    private static CrierConfig config;
    private static GatewayServer node1;
    private static GatewayServer node2;

    @BeforeAll
    static void startFleet() {
        redis = RedisServerProcess.startWithAof();
        Map<String, String> env = TestFleet.env(SECRET, redis);
        env.put("CRIER_REDIS_RECONNECT_MAX_DELAY", "300ms");
        env.put("CRIER_NAMESPACES_DEFAULT_HISTORY_SIZE", "10000");
        env.put("CRIER_NAMESPACES_DEFAULT_HISTORY_TTL", "10m");
        fleet = TestFleet.start(redis, 2, env);
        config = fleet.config();
        node1 = fleet.node(0);
        node2 = fleet.node(1);
    }

    @AfterAll
    static void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void sessionsSubscribingWhilePublicationsPourInSeeEveryLaterOffsetOnceInOrder() throws Exception {
        String topic = "rec-it:race";
        Random random = new Random();
        List<WsTestClient> clients = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        try (HistoryPublisher publisher = new HistoryPublisher(config.redis(), topic, HISTORY)) {
            // About 2,000 publications a second, for as long as the subscribes take.
            var run = publisher.publish(3_000, 4, Duration.ofMillis(1));
            for (int i = 0; i < 12; i++) {
                int wanted = 100 + i * 200;
                await().atMost(Duration.ofSeconds(20)).until(() -> publisher.acknowledged() >= wanted);
                WsTestClient client = authenticated(i % 2 == 0 ? node1 : node2, "racer-" + i);
                clients.add(client);
                boolean recover = i % 3 != 2;
                long since = Math.max(1, publisher.acknowledged() - random.nextInt(30));
                String reply = subscribe(client, topic, recover ? since : -1, publisher.epoch());
                assertTrue(!recover || reply.contains("\"recovered\":true"), reply);
                starts.add(recover ? since : offset(reply));
            }
            run.get(60, TimeUnit.SECONDS);
            long last = publisher.position().offset();
            for (int i = 0; i < clients.size(); i++) {
                assertEquals(range(starts.get(i) + 1, last), messages(clients.get(i), starts.get(i), last),
                        "client " + i);
            }
        } finally {
            clients.forEach(WsTestClient::close);
        }
    }

    @Test
    void aClientComingBackOnTheOtherNodeGetsExactlyWhatItMissedRightAfterItsReply() throws Exception {
        String topic = "rec-it:move";
        try (HistoryPublisher publisher = new HistoryPublisher(config.redis(), topic, HISTORY)) {
            String epoch;
            try (WsTestClient first = authenticated(node1, "mover")) {
                subscribe(first, topic, -1, null);
                publisher.publish(5, 1, Duration.ZERO).get(10, TimeUnit.SECONDS);
                assertEquals(range(1, 5), messages(first, 0, 5));
                epoch = publisher.epoch();
            }
            publisher.publish(4, 1, Duration.ZERO).get(10, TimeUnit.SECONDS);

            try (WsTestClient back = authenticated(node2, "mover")) {
                back.send(ClientCommands.subscribe(2, topic, 5, epoch));
                assertEquals("{\"type\":\"ok\",\"id\":2,\"recovered\":true,\"offset\":9,\"epoch\":\"" + epoch + "\"}",
                        back.next(), "the reply comes first");
                for (long offset = 6; offset <= 9; offset++) {
                    assertEquals(offset, offset(back.next()), "then the missed ones, in order");
                }
                publisher.publish(1, 1, Duration.ZERO).get(10, TimeUnit.SECONDS);
                assertEquals(10, offset(back.next()), "then live");
            }
        }
    }

    @Test
    void redisRestartingWithAofWhilePublishingLosesNothingAndDisconnectsNobody() throws Exception {
        String topic = "rec-it:aof";
        List<WsTestClient> clients = new ArrayList<>();
        try (HistoryPublisher publisher = new HistoryPublisher(config.redis(), topic, HISTORY)) {
            for (int i = 0; i < 4; i++) {
                WsTestClient client = authenticated(i % 2 == 0 ? node1 : node2, "steady-" + i);
                subscribe(client, topic, -1, null);
                clients.add(client);
            }
            var run = publisher.publish(600, 2, Duration.ofMillis(2));
            await().atMost(Duration.ofSeconds(20)).until(() -> publisher.acknowledged() >= 150);

            redis.kill();
            redis.restart();

            run.get(60, TimeUnit.SECONDS);
            long last = publisher.position().offset();
            assertTrue(last >= 600, "every acknowledged publication survived the restart: " + last);
            for (int i = 0; i < clients.size(); i++) {
                assertEquals(range(1, last), messages(clients.get(i), 0, last), "client " + i);
                assertFalse(clients.get(i).isClosed(), "client " + i + " was not disconnected");
            }
            for (GatewayServer node : List.of(node1, node2)) {
                assertTrue(node.meters().get("crier.hub.repairs").tag("result", "filled").counter().count() >= 1,
                        "the link's return started a repair on every node");
                assertEquals(0.0, node.meters().get("crier.hub.evictions").counter().count());
            }
        } finally {
            clients.forEach(WsTestClient::close);
        }
    }

    /** Subscribes (with {@code since} when it is at least 0) and returns the reply. */
    private static String subscribe(WsTestClient client, String topic, long since, String epoch) throws Exception {
        client.send(since < 0 ? ClientCommands.subscribe(2, topic) : ClientCommands.subscribe(2, topic, since, epoch));
        String reply = client.awaitContaining("\"id\":2,");
        assertTrue(reply.startsWith("{\"type\":\"ok\",\"id\":2,\"recovered\":"), reply);
        return reply;
    }

    /**
     * The offsets of the messages {@code client} receives after offset {@code start}, until offset {@code last};
     * fails on any other frame.
     */
    private static List<Long> messages(WsTestClient client, long start, long last) throws Exception {
        List<Long> offsets = new ArrayList<>();
        long seen = start;
        while (seen < last) {
            String frame;
            try {
                frame = client.next();
            } catch (AssertionError e) {
                throw new AssertionError("waiting for offset " + last + " after " + offsets.size() + " messages, "
                        + (offsets.isEmpty() ? "none" : "from " + offsets.get(0) + " to "
                        + offsets.get(offsets.size() - 1)) + "; closed: " + client.closed().getNow(null), e);
            }
            assertTrue(frame.startsWith("{\"type\":\"message\""), "unexpected frame " + frame);
            seen = offset(frame);
            offsets.add(seen);
        }
        return offsets;
    }

    private static long offset(String frame) {
        Matcher offset = OFFSET.matcher(frame);
        assertTrue(offset.find(), frame);
        return Long.parseLong(offset.group(1));
    }

    private static List<Long> range(long from, long to) {
        List<Long> offsets = new ArrayList<>();
        for (long offset = from; offset <= to; offset++) {
            offsets.add(offset);
        }
        return offsets;
    }

    private static WsTestClient authenticated(GatewayServer node, String user) throws Exception {
        String token = TestTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), user, List.of("*"), List.of("*"),
                Duration.ofMinutes(5));
        WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + node.port() + "/ws"));
        client.send(ClientCommands.auth(1, token));
        client.awaitContaining("\"type\":\"welcome\"");
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
        return client;
    }
}
