package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.ConfigLoader;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.WsTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The graceful drain on a real node: 40 sessions, a 2 s window, started by the admin API; every client is
 * told 4000 with a reconnect hint, the closes are spread over the window, and the node refuses new work
 * meanwhile. These nodes have no readiness delay unless a test sets one: no load balancer watches them.
 */
class DrainIT {

    private static final String SECRET = new String(TestTokens.secret(), StandardCharsets.UTF_8);
    private static final String ADMIN_KEY = "drain-it-admin-key-0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final Pattern SHUTDOWN_PUSH = Pattern.compile(
            "\\{\"type\":\"disconnect\",\"code\":4000,\"reason\":\"shutdown\",\"reconnect\":true"
                    + "(?:,\"reconnectDelayMs\":([0-9]+))?}");

    @Test
    void anAdminDrainPacesFortySessionsOverTheWindowAndRefusesNewWork() throws Exception {
        List<WsTestClient> clients = new ArrayList<>();
        ConcurrentLinkedQueue<Long> closedAtNanos = new ConcurrentLinkedQueue<>();
        try (GatewayServer node = start(Map.of("CRIER_ADMIN_KEY", ADMIN_KEY))) {
            for (int i = 0; i < 40; i++) {
                WsTestClient client = authenticated(node, "user-" + i);
                client.closed().thenRun(() -> closedAtNanos.add(System.nanoTime()));
                clients.add(client);
            }
            assertEquals(401, adminDrain(node, null).statusCode());
            assertEquals(401, adminDrain(node, "Bearer not-the-key").statusCode());
            long startedAt = System.nanoTime();
            assertEquals(202, adminDrain(node, "Bearer " + ADMIN_KEY).statusCode());
            assertEquals(202, adminDrain(node, "Bearer " + ADMIN_KEY).statusCode(), "idempotent");

            assertEquals(503, get(node, "/readyz").statusCode());
            assertEquals(503, refusedUpgradeStatus(node));
            for (WsTestClient client : clients) {
                Matcher push = SHUTDOWN_PUSH.matcher(client.awaitContaining("\"type\":\"disconnect\""));
                assertTrue(push.matches(), push.toString());
                long hint = push.group(1) == null ? 0 : Long.parseLong(push.group(1));
                assertTrue(hint >= 0 && hint <= 3000, "hint " + hint);
                assertEquals(new WsTestClient.Close(4000, "shutdown"), client.awaitClose());
            }
            node.drained().get(WsTestClient.WAIT.toSeconds(), TimeUnit.SECONDS);

            long first = closedAtNanos.stream().mapToLong(Long::longValue).min().orElseThrow() - startedAt;
            long last = closedAtNanos.stream().mapToLong(Long::longValue).max().orElseThrow() - startedAt;
            assertEquals(40, closedAtNanos.size());
            assertTrue(last - first >= WINDOW.toNanos() / 2, "closes spread: first " + first / 1_000_000
                    + " ms, last " + last / 1_000_000 + " ms");
            assertTrue(last <= WINDOW.plusSeconds(1).toNanos(), "last close at " + last / 1_000_000 + " ms");
            assertEquals(2.0, adminCalls(node, "unauthorized"));
            assertEquals(2.0, adminCalls(node, "accepted"));
            assertEquals(1.0, node.meters().counter("crier.drains", "trigger", "admin").count());
        } finally {
            clients.forEach(WsTestClient::close);
        }
    }

    @Test
    void aDrainKeepsAcceptingUpgradesOutOfRotationUntilItsReadinessDelayHasPassed() throws Exception {
        Duration delay = Duration.ofSeconds(2);
        try (GatewayServer node = start(Map.of("CRIER_ADMIN_KEY", ADMIN_KEY,
                "CRIER_DRAIN_READINESS_DELAY", delay.toSeconds() + "s"))) {
            long startedAt = System.nanoTime();
            assertEquals(202, adminDrain(node, "Bearer " + ADMIN_KEY).statusCode());
            assertEquals(503, get(node, "/readyz").statusCode(), "out of rotation at once");

            try (WsTestClient late = authenticated(node, "late")) {
                String push = late.awaitContaining("\"type\":\"disconnect\"");
                assertTrue(push.contains("\"code\":4000"), "accepted out of rotation, drained with the rest: " + push);
                assertTrue(System.nanoTime() - startedAt >= delay.toNanos(), "no disconnect before the delay");
            }
            assertEquals(503, refusedUpgradeStatus(node), "the delay is over: upgrades are refused");
            assertEquals(1.0, node.meters().counter("crier.handshakes.refused", "reason", "draining").count());
        }
    }

    @Test
    void withoutAnAdminKeyTheAdminRouteDoesNotExist() throws Exception {
        try (GatewayServer node = start(Map.of())) {
            assertEquals(404, adminDrain(node, "Bearer " + ADMIN_KEY).statusCode());
            assertEquals(200, get(node, "/readyz").statusCode());
        }
    }

    @Test
    void drainOfAnEmptyNodeEndsAtOnce() throws Exception {
        try (GatewayServer node = start(Map.of("CRIER_DRAIN_WINDOW", "1m"))) {
            long startedAt = System.nanoTime();
            node.drain();
            assertTrue(System.nanoTime() - startedAt < Duration.ofSeconds(5).toNanos());
            assertTrue(node.drained().isDone());
            assertEquals(503, get(node, "/readyz").statusCode());
        }
    }

    private static GatewayServer start(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                "CRIER_SERVER_PORT", "0", "CRIER_AUTH_HMAC_SECRET", SECRET, "CRIER_NODE_ID", "drain-node",
                "CRIER_DRAIN_WINDOW", "2s", "CRIER_DRAIN_RECONNECT_DELAY_MAX", "3s",
                "CRIER_DRAIN_READINESS_DELAY", "0s"));
        env.putAll(overrides);
        return GatewayServer.start(new ConfigLoader().load(null, env));
    }

    private static WsTestClient authenticated(GatewayServer node, String user) throws Exception {
        WsTestClient client = WsTestClient.connect(URI.create(node.webSocketUrl()));
        String token = TestTokens.hs256(TestTokens.secret(), user, List.of("*"), List.of("*"), Duration.ofMinutes(5));
        client.send(ClientCommands.auth(1, token));
        client.awaitContaining("\"type\":\"welcome\"");
        assertEquals("{\"type\":\"ok\",\"id\":1}", client.next());
        return client;
    }

    private static HttpResponse<String> adminDrain(GatewayServer node, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/admin/drain"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(GatewayServer node, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int refusedUpgradeStatus(GatewayServer node) {
        ExecutionException refused = assertThrows(ExecutionException.class, () -> HttpClient.newHttpClient()
                .newWebSocketBuilder().buildAsync(URI.create(node.webSocketUrl()), new WebSocket.Listener() { })
                .get(WsTestClient.WAIT.toSeconds(), TimeUnit.SECONDS));
        return assertInstanceOf(WebSocketHandshakeException.class, refused.getCause()).getResponse().statusCode();
    }

    private static double adminCalls(GatewayServer node, String outcome) {
        return node.meters().counter("crier.admin.requests", "action", "drain", "outcome", outcome).count();
    }
}
