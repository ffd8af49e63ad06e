package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.WsTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The {@link GatewayProcess} fixture works: two nodes as separate processes on one {@code redis-server}
 * deliver across nodes; {@code kill -9} of one drops its clients at once while the other stays ready; a
 * restarted node serves on the same port; SIGTERM exits cleanly; and no process outlives the test.
 */
class GatewayProcessIT {

    private static final String SECRET = "gateway-process-test-secret-of-32-bytes!";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void nodesAsProcessesDeliverAcrossNodesSurviveAKillOfTheOtherAndLeaveNothingRunning() throws Exception {
        long[] pids = new long[3];
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            CompletableFuture<GatewayProcess> starting = CompletableFuture.supplyAsync(() -> node("gp-1", redis));
            try (GatewayProcess node2 = node("gp-2", redis); GatewayProcess node1 = starting.join()) {
                pids[0] = node1.pid();
                pids[1] = node2.pid();
                assertTrue(node1.port() != node2.port());
                crossNodeDelivery(node1, node2, "gp:before");

                try (WsTestClient onKilled = authenticated(node1, "alice")) {
                    node1.kill9();
                    assertFalse(ProcessHandle.of(pids[0]).map(ProcessHandle::isAlive).orElse(false));
                    await("the killed node's client sees its connection drop").atMost(WsTestClient.WAIT)
                            .until(onKilled::isClosed);
                    assertEquals(200, readyz(node2), "the other node stays ready");
                }

                node1.restart();
                pids[2] = node1.pid();
                crossNodeDelivery(node1, node2, "gp:after");
                assertEquals(143, node2.terminate(), "the JVM's status after SIGTERM: 128 + 15");
                assertTrue(Files.readString(node2.log()).contains("node gp-2 stopped"), "it drained and stopped");
                assertEquals(List.of(), node1.leakReports());
                assertEquals(List.of(), node2.leakReports());
            }
        }
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " survived");
        }
    }

    private static GatewayProcess node(String name, RedisServerProcess redis) {
        return GatewayProcess.named(name)
                .env("CRIER_AUTH_HMAC_SECRET", SECRET)
                .env("CRIER_REDIS_URI", redis.uri())
                .env("CRIER_REDIS_RECONNECT_MIN_DELAY", "50ms")
                .env("CRIER_REDIS_RECONNECT_MAX_DELAY", "500ms")
                .env("CRIER_DRAIN_WINDOW", "0s")
                // No load balancer watches these nodes: SIGTERM need not wait for one to notice /readyz.
                .env("CRIER_DRAIN_READINESS_DELAY", "0s")
                .start();
    }

    private static void crossNodeDelivery(GatewayProcess from, GatewayProcess to, String topic) throws Exception {
        try (WsTestClient a = authenticated(from, "alice"); WsTestClient b = authenticated(to, "bob")) {
            b.send(ClientCommands.subscribe(2, topic));
            b.awaitContaining("\"id\":2");
            a.send(ClientCommands.publish(3, topic, "{\"from\":\"" + from.name() + "\"}"));
            a.awaitContaining("{\"type\":\"ok\",\"id\":3}");
            String message = b.awaitContaining("\"type\":\"message\"");
            assertTrue(message.contains("\"data\":{\"from\":\"" + from.name() + "\"}"), message);
        }
    }

    private static WsTestClient authenticated(GatewayProcess node, String user) throws Exception {
        String token = TestTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), user, List.of("*"), List.of("*"),
                Duration.ofMinutes(5));
        WsTestClient client = WsTestClient.connect(node.wsUri());
        client.send(ClientCommands.auth(1, token));
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
        return client;
    }

    private static int readyz(GatewayProcess node) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/readyz")).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
