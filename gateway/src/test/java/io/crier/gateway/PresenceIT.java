package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.TestFleet;
import io.crier.gateway.support.WsTestClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Presence across a fleet on real parts: a {@code redis-server} child process, node {@code p1} in this JVM and
 * node {@code p2} as a separate process ({@code java -jar crier-gateway.jar}), with short leases (ttl 2s,
 * refresh 300ms) and a 2s leave grace. Namespaces: {@code chat} (presence full, join/leave) and
 * {@code stadium} (presence count). A third node, killed with {@code kill -9}, shows the crash bound.
 */
class PresenceIT {

    private static final String SECRET = "presence-it-secret-of-at-least-32-bytes!";
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration REFRESH = Duration.ofMillis(300);
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final Pattern SESSION = Pattern.compile("\"session\":\"([^\"]+)\"");
    private static final AtomicInteger IDS = new AtomicInteger(100);

    private static TestFleet fleet;
    private static RedisServerProcess redis;
    private static GatewayServer node1;
    private static GatewayProcess node2;

    @BeforeAll
    static void startFleet() throws IOException {
        redis = RedisServerProcess.start();
        Path file = Files.createTempFile("presence-it-", ".properties");
        StringBuilder properties = new StringBuilder();
        namespaceOptions().forEach((key, value) -> properties.append(key).append('=').append(value).append('\n'));
        Files.writeString(file, properties, StandardCharsets.UTF_8);
        Map<String, String> env = env();
        env.put("CRIER_NODE_ID", "p1");
        fleet = TestFleet.start(redis, 1, file, env);
        node1 = fleet.node(0);
        node2 = process("p2");
    }

    @AfterAll
    static void stopFleet() {
        if (node2 != null) {
            node2.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void aClientOnOneNodeSeesSessionsOfBothNodesWithTheirInfo() throws Exception {
        String topic = "chat:across";
        try (Peer alice = client(node1.port(), "alice", "{\"name\":\"Alice\"}");
             Peer bob = client(node2.port(), "bob", null)) {
            String aliceSession = subscribe(alice, topic);
            String bobSession = subscribe(bob, topic);

            String list = presence(alice, topic, false);

            assertTrue(list.contains("{\"user\":\"alice\",\"session\":\"" + aliceSession
                    + "\",\"info\":{\"name\":\"Alice\"}}"), list);
            assertTrue(list.contains("{\"user\":\"bob\",\"session\":\"" + bobSession + "\"}"), list);
            assertTrue(aliceSession.startsWith("p1-") && bobSession.startsWith("p2-"), list);
            assertTrue(presence(bob, topic, true).endsWith("\"sessions\":2,\"users\":2}"));
        }
    }

    @Test
    void aCountNamespaceCountsAcrossNodesAndListsNothing() throws Exception {
        String topic = "stadium:final";
        try (Peer alice = client(node1.port(), "alice", null);
             Peer bob = client(node2.port(), "bob", null);
             Peer bob2 = client(node2.port(), "bob", null)) {
            subscribe(alice, topic);
            subscribe(bob, topic);
            subscribe(bob2, topic);

            assertTrue(presence(alice, topic, true).endsWith("\"sessions\":3,\"users\":2}"));
            assertTrue(presence(alice, topic, false).contains("\"code\":\"not_available\""));
        }
    }

    @Test
    void joinsAndLeavesCrossNodesAndAReconnectWithinTheGraceDoesNotFlap() throws Exception {
        String topic = "chat:flap";
        try (Peer alice = client(node1.port(), "alice", null);
             Peer carol = client(node2.port(), "carol", null)) {
            subscribe(alice, topic);
            String carolSession = subscribe(carol, topic);
            alice.ws().awaitContaining("\"type\":\"join\",\"topic\":\"" + topic + "\",\"user\":\"carol\"");

            String firstBob;
            try (Peer bob = client(node2.port(), "bob", null)) {
                firstBob = subscribe(bob, topic);
                assertEquals("{\"type\":\"join\",\"topic\":\"" + topic + "\",\"user\":\"bob\",\"session\":\"" + firstBob
                        + "\"}", alice.ws().awaitContaining("\"session\":\"" + firstBob + "\""));
            }
            // Bob's connection drops; he is back on the same node well within the grace.
            try (Peer bobAgain = client(node2.port(), "bob", null)) {
                String secondBob = subscribe(bobAgain, topic);
                // A marker: carol leaves after bob's first session, on the same node with the same grace, so
                // her leave comes after any leave of bob's first session.
                carol.close();
                String first = alice.ws().await(frame -> frame.contains("\"session\":\"" + firstBob + "\"")
                        || frame.contains("\"session\":\"" + secondBob + "\"")
                        || frame.contains("\"type\":\"leave\",\"topic\":\"" + topic + "\",\"user\":\"carol\""));
                assertEquals("{\"type\":\"leave\",\"topic\":\"" + topic + "\",\"user\":\"carol\",\"session\":\""
                        + carolSession + "\"}", first);

                String list = presence(alice, topic, false);
                assertTrue(list.contains(secondBob) && !list.contains(firstBob) && !list.contains(carolSession), list);
            }
        }
    }

    @Test
    void sessionsOfACrashedNodeLeavePresenceWithinTtlPlusOneRefreshInterval() throws Exception {
        String topic = "chat:crash";
        try (GatewayProcess doomed = process("p3");
             Peer alice = client(node1.port(), "alice", null);
             Peer dave = client(doomed.port(), "dave", null)) {
            subscribe(alice, topic);
            String daveSession = subscribe(dave, topic);
            // The entry is written beside the subscribe, not before its ok: wait until another node reads it.
            await().atMost(Duration.ofSeconds(5)).until(() -> presence(alice, topic, false).contains(daveSession));

            doomed.kill9();
            Instant killed = Instant.now();

            await().atMost(TTL.plus(REFRESH).plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !presence(alice, topic, false).contains(daveSession));
            Duration gone = Duration.between(killed, Instant.now());
            // The bound, plus what one poll and its round trip may add.
            assertTrue(gone.compareTo(TTL.plus(REFRESH).plusMillis(500)) <= 0, "gone after " + gone);
            assertTrue(presence(alice, topic, true).endsWith("\"sessions\":1,\"users\":1}"));
            assertFalse(redis.cli("HKEYS", "{crier:" + topic + "}:presence").contains(daveSession));
        }
    }

    private static Map<String, String> namespaceOptions() {
        return Map.of("namespace.chat.presence", "full", "namespace.chat.joinLeave", "true",
                "namespace.stadium.presence", "count");
    }

    private static Map<String, String> env() {
        Map<String, String> env = TestFleet.env(SECRET, redis);
        env.put("CRIER_PRESENCE_TTL", TTL.toMillis() + "ms");
        env.put("CRIER_PRESENCE_REFRESH_INTERVAL", REFRESH.toMillis() + "ms");
        env.put("CRIER_PRESENCE_LEAVE_GRACE", GRACE.toMillis() + "ms");
        env.put("CRIER_DRAIN_WINDOW", "1s");
        return env;
    }

    private static GatewayProcess process(String name) {
        GatewayProcess.Builder builder = GatewayProcess.named(name);
        env().forEach(builder::env);
        namespaceOptions().forEach(builder::property);
        return builder.start();
    }

    /** A client of {@code user} (with {@code info} as its info claim, or none), authenticated, on the port. */
    private static Peer client(int port, String user, String info) throws Exception {
        long exp = Instant.now().plus(Duration.ofMinutes(5)).getEpochSecond();
        String token = TestTokens.hs256Payload(SECRET.getBytes(StandardCharsets.UTF_8), "{\"sub\":\"" + user
                + "\",\"exp\":" + exp + ",\"subscribe\":[\"*\"]" + (info == null ? "" : ",\"info\":" + info) + "}");
        WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws"));
        client.send(ClientCommands.auth(1, token));
        String welcome = client.awaitContaining("\"type\":\"welcome\"");
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
        Matcher session = SESSION.matcher(welcome);
        assertTrue(session.find(), welcome);
        return new Peer(client, session.group(1));
    }

    /** Subscribes; returns the session id. */
    private static String subscribe(Peer peer, String topic) throws Exception {
        int id = IDS.incrementAndGet();
        peer.ws().send(ClientCommands.subscribe(id, topic));
        String reply = reply(peer, id);
        assertTrue(reply.startsWith("{\"type\":\"ok\""), reply);
        return peer.session();
    }

    /** The reply to a {@code presence} command, as text. */
    private static String presence(Peer peer, String topic, boolean countOnly) throws Exception {
        int id = IDS.incrementAndGet();
        peer.ws().send(ClientCommands.presence(id, topic, countOnly));
        return reply(peer, id);
    }

    private static String reply(Peer peer, int id) throws InterruptedException {
        return peer.ws().await(frame -> frame.contains("\"id\":" + id + ",") || frame.contains("\"id\":" + id + "}"));
    }

    /** A connected, authenticated client and its session id (from its {@code welcome}). */
    private record Peer(WsTestClient ws, String session) implements AutoCloseable {
        @Override
        public void close() {
            ws.close();
        }
    }
}
