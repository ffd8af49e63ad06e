package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.TestFleet;
import io.crier.gateway.support.WsTestClient;
import io.crier.protocol.ClientCommands;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Online/offline events across a fleet on real parts: a {@code redis-server} child process, node {@code o1} in this
 * JVM and node {@code o2} as a separate process, with short times (lease 2s renewed every 300ms, grace 1s, a sweep
 * every 200ms); a third node, killed with {@code kill -9}, shows the crash bound. The events are read from the
 * stream with {@code redis-cli XRANGE}, as a backend would. Where a test shows that something did <em>not</em>
 * happen, it waits for a marker user's events, which come after it would have.
 */
class OnlineEventsIT {

    private static final String SECRET = "online-events-it-secret-of-32-bytes!!";
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration REFRESH = Duration.ofMillis(300);
    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final Duration SWEEP = Duration.ofMillis(200);
    private static final String STREAM = "crier:online-events";
    private static final Pattern ENTRY_ID = Pattern.compile("\\d+-\\d+");

    private static RedisServerProcess redis;
    private static TestFleet fleet;
    private static GatewayServer node1;
    private static GatewayProcess node2;

    @BeforeAll
    static void startFleet() {
        redis = RedisServerProcess.start();
        Map<String, String> env = env();
        env.put("CRIER_NODE_ID", "o1");
        fleet = TestFleet.start(redis, 1, env);
        node1 = fleet.node(0);
        node2 = process("o2");
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
    void aClientThatReconnectsWithinTheGraceToAnotherNodeMakesNoEvent() throws Exception {
        String alice = user("alice");
        String marker = user("marker");
        try (WsTestClient markerClient = client(node1.port(), marker)) {
            WsTestClient first = client(node1.port(), alice);
            awaitEvents(alice, List.of("online o1"));

            Instant dropped = Instant.now();
            first.close();
            try (WsTestClient again = client(node2.port(), alice)) {
                Duration away = Duration.between(dropped, Instant.now());
                assertTrue(away.compareTo(GRACE) < 0, "the reconnect took " + away + ", longer than the grace");
                // The marker goes after alice came back: any offline of alice's would be due before the marker's.
                markerClient.close();
                awaitEvents(marker, List.of("online o1", "offline o1"));
                oneMoreSweep();

                assertEquals(List.of("online o1"), events(alice));
            }
        }
    }

    @Test
    void aUserWithSessionsOnTwoNodesGoesOfflineOnlyAfterBothClose() throws Exception {
        String bob = user("bob");
        String marker = user("marker");
        try (WsTestClient onNode2 = client(node2.port(), bob)) {
            try (WsTestClient markerClient = client(node1.port(), marker);
                 WsTestClient onNode1 = client(node1.port(), bob)) {
                awaitEvents(bob, List.of("online o2"));
                awaitEvents(marker, List.of("online o1"));
            }
            awaitEvents(marker, List.of("online o1", "offline o1"));
            oneMoreSweep();
            assertEquals(List.of("online o2"), events(bob));
        }

        awaitEvents(bob, List.of("online o2", "offline o2"));
    }

    @Test
    void theUsersOfANodeKilledWithKill9GoOfflineWithinTheLeaseBound() throws Exception {
        String dave = user("dave");
        try (GatewayProcess doomed = process("o3")) {
            WsTestClient client = client(doomed.port(), dave);
            awaitEvents(dave, List.of("online o3"));

            doomed.kill9();
            Instant killed = Instant.now();
            client.close();

            // lease + two sweeps + grace, plus the sweeper lock's 3 sweeps when the killed node held it.
            Duration bound = LEASE.plus(SWEEP.multipliedBy(5)).plus(GRACE);
            await().atMost(bound.plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> events(dave).size() == 2);
            Duration gone = Duration.between(killed, Instant.now());
            assertEquals(List.of("online o3", "offline o3"), events(dave));
            // The bound, plus what one poll and its round trip may add; never before the grace.
            assertTrue(gone.compareTo(bound.plusMillis(500)) <= 0, "offline after " + gone + ", bound " + bound);
            assertTrue(gone.compareTo(GRACE) >= 0, "offline after " + gone + ", before the grace");
        }
    }

    /** Returns once a sweep that began after this call has run: a new user's online is in the stream. */
    private static void oneMoreSweep() throws Exception {
        String later = user("later");
        try (WsTestClient client = client(node2.port(), later)) {
            awaitEvents(later, List.of("online o2"));
        }
    }

    /** Waits until the stream holds exactly {@code expected} for {@code user} ("type node" each, in order). */
    private static void awaitEvents(String user, List<String> expected) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> events(user), expected::equals);
    }

    /** {@code user}'s entries in the stream, as "type node", in stream order; each seq greater than the last. */
    private static List<String> events(String user) {
        List<String> lines = List.of(redis.cli("XRANGE", STREAM, "-", "+").split("\n"));
        List<String> found = new ArrayList<>();
        long lastSeq = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!ENTRY_ID.matcher(lines.get(i)).matches()) {
                continue;
            }
            // id, then user U type T seq S ts MS node N
            List<String> fields = lines.subList(i + 1, i + 11);
            assertEquals(List.of("user", "type", "seq", "ts", "node"), List.of(fields.get(0), fields.get(2),
                    fields.get(4), fields.get(6), fields.get(8)));
            if (fields.get(1).equals(user)) {
                long seq = Long.parseLong(fields.get(5));
                assertTrue(seq > lastSeq, "seq increases per user");
                lastSeq = seq;
                found.add(fields.get(3) + " " + fields.get(9));
            }
            i += 10;
        }
        return found;
    }

    private static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, String> env() {
        Map<String, String> env = TestFleet.env(SECRET, redis);
        env.put("CRIER_EVENTS_ENABLED", "true");
        env.put("CRIER_EVENTS_LEASE_TTL", LEASE.toMillis() + "ms");
        env.put("CRIER_EVENTS_REFRESH_INTERVAL", REFRESH.toMillis() + "ms");
        env.put("CRIER_EVENTS_GRACE", GRACE.toMillis() + "ms");
        env.put("CRIER_EVENTS_SWEEP_INTERVAL", SWEEP.toMillis() + "ms");
        env.put("CRIER_DRAIN_WINDOW", "0s");
        return env;
    }

    private static GatewayProcess process(String name) {
        GatewayProcess.Builder builder = GatewayProcess.named(name);
        env().forEach(builder::env);
        return builder.start();
    }

    /** A client of {@code user}, authenticated, on the port. */
    private static WsTestClient client(int port, String user) throws Exception {
        long exp = Instant.now().plus(Duration.ofMinutes(5)).getEpochSecond();
        String token = TestTokens.hs256Payload(SECRET.getBytes(StandardCharsets.UTF_8),
                "{\"sub\":\"" + user + "\",\"exp\":" + exp + "}");
        WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws"));
        client.send(ClientCommands.auth(1, token));
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
        return client;
    }
}
