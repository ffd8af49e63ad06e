package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.ConfigLoader;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.TestFleet;
import io.crier.gateway.support.WsTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The cluster view on a real fleet: two in-process nodes and one node as a separate process on one
 * {@code redis-server}, with a short lease. {@code GET /api/v1/nodes} on either in-process node lists every live
 * node with its address and connection count (a WebSocket opened on one shows up in its count, on both); a node
 * that closes leaves at once (it withdraws); a node killed with {@code kill -9} leaves within the lease.
 */
class ClusterViewIT {

    private static final String SECRET = "cluster-view-test-secret-of-32-bytes!!";
    private static final String ADMIN_KEY = "cluster-view-test-admin-key-0123456789";
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration REFRESH = Duration.ofMillis(300);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    // The API's JSON is pinned by NodesCodec's golden files: each node starts with id, address, connections.
    private static final Pattern NODE = Pattern.compile(
            "\\{\"id\":\"([^\"]+)\",\"address\":\"([^\"]+)\",\"connections\":(\\d+),");

    @Test
    void everyNodeListsTheFleetWithLiveCountsAndLeavingOrKilledNodesDisappear() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            Map<String, String> env = env(redis);
            try (GatewayServer a = node("cv-a", env)) {
                GatewayServer b = node("cv-b", env);
                try {
                    fleetOfTwo(a, b, env);
                } finally {
                    b.close();
                }
                assertEquals(List.of("cv-a"), List.copyOf(nodes(a).keySet()), "a closed node withdraws at once");
            }
        }
    }

    private static void fleetOfTwo(GatewayServer a, GatewayServer b, Map<String, String> env) throws Exception {
        await("both nodes list both").atMost(Duration.ofSeconds(10)).until(() ->
                List.copyOf(nodes(a).keySet()).equals(List.of("cv-a", "cv-b")) && nodes(b).equals(nodes(a)));
        assertEquals(new Listed("127.0.0.1:" + b.port(), 0), nodes(a).get("cv-b"));

        try (WsTestClient client = authenticated(b)) {
            assertFalse(client.isClosed());
            assertEquals(1, nodes(b).get("cv-b").connections(), "a node's own count is live");
            await("the other node sees the count after a refresh").atMost(LEASE)
                    .until(() -> nodes(a).get("cv-b").connections() == 1);
        }
        await("the count falls back").atMost(LEASE).until(() -> nodes(a).get("cv-b").connections() == 0);

        killedNodeLeavesWithinTheLease(a, env);
    }

    private static void killedNodeLeavesWithinTheLease(GatewayServer observer, Map<String, String> env)
            throws Exception {
        GatewayProcess.Builder builder = GatewayProcess.named("cv-killed");
        env.forEach(builder::env);
        try (GatewayProcess killed = builder.start()) {
            await("the process node is listed").atMost(Duration.ofSeconds(10))
                    .until(() -> nodes(observer).containsKey("cv-killed"));
            assertEquals(new Listed("127.0.0.1:" + killed.port(), 0), nodes(observer).get("cv-killed"));

            killed.kill9();
            assertTrue(nodes(observer).containsKey("cv-killed"),
                    "a killed node does not withdraw: its record lapses");
            // Its last refresh was at most one interval before the kill: gone at most one lease after that.
            await("the killed node lapses within the lease").atMost(LEASE.plusSeconds(1))
                    .pollInterval(Duration.ofMillis(100)).until(() -> !nodes(observer).containsKey("cv-killed"));
        }
    }

    private static Map<String, String> env(RedisServerProcess redis) {
        Map<String, String> env = new LinkedHashMap<>(TestFleet.env(SECRET, redis));
        env.put("CRIER_ADMIN_KEY", ADMIN_KEY);
        env.put("CRIER_CLUSTER_NODE_LEASE", LEASE.toMillis() + "ms");
        env.put("CRIER_CLUSTER_NODE_REFRESH_INTERVAL", REFRESH.toMillis() + "ms");
        env.put("CRIER_DRAIN_WINDOW", "0s");
        env.put("CRIER_DRAIN_READINESS_DELAY", "0s");
        return env;
    }

    /** An in-process node with its own id (one config per node: the loader picks one id per load). */
    private static GatewayServer node(String id, Map<String, String> env) {
        Map<String, String> own = new LinkedHashMap<>(env);
        own.put("CRIER_NODE_ID", id);
        own.put("CRIER_SERVER_PORT", "0");
        GatewayServer node = GatewayServer.start(new ConfigLoader().load(null, own));
        TestFleet.awaitReady(node, 200);
        return node;
    }

    /** The nodes {@code GET /api/v1/nodes} on {@code node} lists, by id (sorted), after checking the status. */
    private static Map<String, Listed> nodes(GatewayServer node) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/v1/nodes"))
                .header("Authorization", "Bearer " + ADMIN_KEY).timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("{\"node\":\"" + node.nodeId() + "\",\"nodes\":["), response.body());
        Map<String, Listed> listed = new TreeMap<>();
        Matcher matcher = NODE.matcher(response.body());
        while (matcher.find()) {
            listed.put(matcher.group(1), new Listed(matcher.group(2), Long.parseLong(matcher.group(3))));
        }
        return listed;
    }

    private static WsTestClient authenticated(GatewayServer node) throws Exception {
        String token = TestTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), "alice", List.of("*"), List.of(),
                Duration.ofMinutes(5));
        WsTestClient client = WsTestClient.connect(URI.create(node.webSocketUrl()));
        client.send(ClientCommands.auth(1, token));
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
        return client;
    }

    /** One listed node: its address and connection count. */
    private record Listed(String address, long connections) {
    }
}
