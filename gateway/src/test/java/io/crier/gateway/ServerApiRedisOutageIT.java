package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.support.ServerApi;
import io.crier.gateway.support.TestFleet;
import io.crier.gateway.support.WsTestClient;
import io.crier.gateway.config.ConfigLoader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server API when Redis goes away and comes back, and requests that are not the API's shape: a revocation is
 * refused as {@code unavailable} (503, nothing stored) rather than half applied, a {@code disconnect} still acts on
 * the node that took it ({@code "nodes":1}), and once Redis is back every action works again.
 */
class ServerApiRedisOutageIT {

    private static final String SECRET = "server-api-outage-it-secret-of-at-least-32-bytes";
    private static final String API_KEY = "server-api-outage-it-key-of-at-least-32-bytes!";

    private final ServerApi api = new ServerApi(API_KEY, SECRET);

    @Test
    void whileRedisIsDownRevocationsAreRefusedAndDisconnectActsOnThisNode() throws Exception {
        RedisServerProcess redis = RedisServerProcess.start();
        try (TestFleet fleet = oneNode(redis)) {
            GatewayServer node = fleet.node(0);
            URI ws = URI.create(node.webSocketUrl());
            String token = api.token("o-user", "o-jti", Instant.now());
            try (WsTestClient session = ServerApi.session(ws, token)) {
                redis.stop();
                long exp = Instant.now().plusSeconds(600).getEpochSecond();

                HttpResponse<String> revoke = api.post(node.baseUrl(), "revoke", "{\"jti\":\"o-jti\",\"exp\":" + exp + "}");
                assertEquals(503, revoke.statusCode(), revoke.body());
                assertTrue(revoke.body().startsWith("{\"error\":{\"code\":\"unavailable\""), revoke.body());
                assertEquals("{\"sessions\":1,\"nodes\":1}", api.ok(node.baseUrl(), "disconnect", "{\"user\":\"o-user\"}"));
                assertEquals(4510, session.awaitClose().code());

                redis.restart();
                await("revoke works again").atMost(Duration.ofSeconds(15)).until(() -> api.post(node.baseUrl(),
                        "revoke", "{\"jti\":\"o-jti\",\"exp\":" + exp + "}").statusCode() == 200);
                fleet.awaitReady(200);
                ServerApi.refused(ws, token, 4503);
            }
        }
    }

    @Test
    void aNodeStartedBeforeRedisTurnsReadySoonAfterRedisArrivesAndLoadsTheRevocations() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Map<String, String> env = TestFleet.env(SECRET, "redis://127.0.0.1:" + port);
        env.put("CRIER_API_KEY", API_KEY);
        env.put("CRIER_SERVER_PORT", "0");
        env.put("CRIER_FLEET_REVOCATION_RELOAD", "1s");
        try (GatewayServer node = GatewayServer.start(new ConfigLoader().load(null, env))) {
            TestFleet.awaitReady(node, 503);
            try (RedisServerProcess redis = RedisServerProcess.startOn(port)) {
                long until = Instant.now().plusSeconds(600).toEpochMilli();
                redis.cli("HSET", "{crier.revocations}:blocks", "early", until + "," + until);
                long start = System.nanoTime();
                TestFleet.awaitReady(node, 200);
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "ready within 5 s");
                // Written as the node connects: its first load or, at worst, the next reload (1 s) has it.
                String token = api.token("early", null, Instant.now());
                await("the block is loaded").atMost(Duration.ofSeconds(5)).untilAsserted(
                        () -> ServerApi.refused(URI.create(node.webSocketUrl()), token, 4504));
            }
        }
    }

    @Test
    void requestsOfAnotherShapeGetTheApisHttpErrors() throws Exception {
        try (TestFleet fleet = oneNode(RedisServerProcess.start())) {
            String url = fleet.node(0).baseUrl() + "/api/v1/block";
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + API_KEY)
                    .GET().build();
            assertEquals(405, http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpRequest text = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + API_KEY)
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            assertEquals(415, http.send(text, HttpResponse.BodyHandlers.ofString()).statusCode());
            String huge = "{\"commands\":[" + "{\"action\":\"unblock\",\"user\":\"u\"},".repeat(101) + "{}]}";
            HttpResponse<String> tooMany = api.post(fleet.node(0).baseUrl(), "batch", huge);
            assertEquals(413, tooMany.statusCode(), tooMany.body());
        }
    }

    /** One node with the API on {@code redis}, which the fleet owns. */
    private static TestFleet oneNode(RedisServerProcess redis) {
        Map<String, String> env = TestFleet.env(SECRET, redis);
        env.put("CRIER_API_KEY", API_KEY);
        return TestFleet.start(redis, 1, env);
    }
}
