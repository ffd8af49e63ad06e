package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.ConfigLoader;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.WsTestClient;
import io.crier.protocol.CloseCode;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One real node on a free port (in-memory broker, a configured secret) and real clients: the JDK's
 * {@link HttpClient} and its WebSocket API. Each test uses its own topic names.
 */
class GatewayServerIT {

    private static final String SECRET = new String(TestTokens.secret(), StandardCharsets.UTF_8);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static GatewayServer node;

    @BeforeAll
    static void startNode() {
        node = start(Map.of());
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @Test
    void healthAndReadinessAnswer200AndTheDemoPageIsServed() throws Exception {
        assertEquals(200, get(node, "/healthz").statusCode());
        assertEquals(200, get(node, "/readyz").statusCode());
        HttpResponse<String> page = get(node, "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertEquals(404, get(node, "/dev/token?user=alice").statusCode(), "no dev tokens with a secret");
    }

    @Test
    void authByFirstFrameIsWelcomedAndAnswered() throws Exception {
        try (WsTestClient client = WsTestClient.connect(wsUri(node))) {
            client.send(ClientCommands.auth(1, token("alice")));
            String welcome = client.next();
            assertTrue(welcome.startsWith("{\"type\":\"welcome\",\"session\":\"it-node-"), welcome);
            assertTrue(welcome.endsWith("\"node\":\"it-node\",\"user\":\"alice\",\"heartbeat\":25}"), welcome);
            assertEquals("{\"type\":\"ok\",\"id\":1}", client.next());
        }
    }

    @Test
    void authByBearerHeaderIsWelcomedRightAfterTheUpgrade() throws Exception {
        try (WsTestClient client = WsTestClient.connectWithBearer(wsUri(node), token("bob"))) {
            assertTrue(client.next().contains("\"user\":\"bob\""));
            client.send(ClientCommands.ping(2));
            assertEquals("{\"type\":\"ok\",\"id\":2}", client.next());
        }
    }

    @Test
    void aPublicationReachesTheSubscriber() throws Exception {
        try (WsTestClient client = authenticated("carol")) {
            client.send(ClientCommands.subscribe(2, "it:publish"));
            assertEquals("{\"type\":\"ok\",\"id\":2}", client.next());
            client.send(ClientCommands.publish(3, "it:publish", "{\"text\":\"hi\"}"));
            assertEquals("{\"type\":\"message\",\"topic\":\"it:publish\",\"data\":{\"text\":\"hi\"}}",
                    client.awaitContaining("\"type\":\"message\""));
            client.awaitContaining("{\"type\":\"ok\",\"id\":3}");
        }
    }

    @Test
    void aForbiddenSubscribeGetsAnErrorReplyAndTheSocketStaysOpen() throws Exception {
        String limited = TestTokens.hs256(TestTokens.secret(), "dave", List.of("public:*"), List.of(), Duration.ofMinutes(5));
        try (WsTestClient client = WsTestClient.connect(wsUri(node))) {
            client.send(ClientCommands.auth(1, limited));
            client.awaitContaining("\"type\":\"welcome\"");
            assertEquals("{\"type\":\"ok\",\"id\":1}", client.next());
            client.send(ClientCommands.encode(new Command.Subscribe(CommandId.ofString("s-1"), "it:private")));
            assertTrue(client.next().startsWith("{\"type\":\"error\",\"id\":\"s-1\",\"code\":\"forbidden\""));
            client.send(ClientCommands.ping(2));
            assertEquals("{\"type\":\"ok\",\"id\":2}", client.next());
            assertFalse(client.isClosed());
        }
    }

    @Test
    void malformedJsonGetsAnErrorReplyAndTheSessionGoesOn() throws Exception {
        try (WsTestClient client = authenticated("erin")) {
            client.send("{\"type\":\"ping\",");
            assertTrue(client.next().startsWith("{\"type\":\"error\",\"code\":\"bad_json\""));
            client.send(ClientCommands.ping(9));
            assertEquals("{\"type\":\"ok\",\"id\":9}", client.next());
        }
    }

    @Test
    void aBadTokenClosesWith4500() throws Exception {
        String forged = TestTokens.hs256("some-other-secret-that-is-long-enough!!".getBytes(StandardCharsets.UTF_8),
                "mallory", List.of("*"), List.of("*"), Duration.ofMinutes(5));
        try (WsTestClient client = WsTestClient.connect(wsUri(node))) {
            client.send(ClientCommands.auth(1, forged));
            assertEquals("{\"type\":\"disconnect\",\"code\":4500,\"reason\":\"invalid_token\",\"reconnect\":false}",
                    client.next());
            assertEquals(new WsTestClient.Close(4500, "invalid_token"), client.awaitClose());
        }
    }

    @Test
    void aBadBearerTokenIsRefusedWith401() throws Exception {
        HttpRequest upgrade = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/ws"))
                .header("Authorization", "Bearer not-a-token").build();
        assertEquals(401, HTTP.send(upgrade, HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void aBinaryFrameClosesWith1003() throws Exception {
        try (WsTestClient client = authenticated("frank")) {
            client.sendBinary(new byte[] {1, 2, 3});
            assertEquals(CloseCode.BINARY_NOT_SUPPORTED.code(), client.awaitClose().code());
        }
    }

    @Test
    void anOversizedFrameClosesWith1009() throws Exception {
        try (WsTestClient client = authenticated("grace")) {
            client.send("{\"type\":\"ping\",\"id\":1,\"pad\":\"" + "x".repeat(70_000) + "\"}");
            assertEquals(CloseCode.MESSAGE_TOO_BIG.code(), client.awaitClose().code());
        }
    }

    @Test
    void aSocketThatNeverAuthenticatesClosesWith4501() throws Exception {
        try (GatewayServer impatient = start(Map.of("CRIER_AUTH_AUTH_TIMEOUT", "300ms"));
             WsTestClient client = WsTestClient.connect(wsUri(impatient))) {
            assertEquals("{\"type\":\"disconnect\",\"code\":4501,\"reason\":\"auth_timeout\",\"reconnect\":false}",
                    client.next());
            assertEquals(new WsTestClient.Close(4501, "auth_timeout"), client.awaitClose());
        }
    }

    @Test
    void drainDisconnectsSessionsWith4000AndTurnsReadinessOff() throws Exception {
        try (GatewayServer draining = start(Map.of("CRIER_NODE_ID", "draining-node",
                "CRIER_DRAIN_READINESS_DELAY", "0s"));
             WsTestClient client = authenticated(draining, "heidi")) {
            draining.drain();
            String push = client.awaitContaining("\"type\":\"disconnect\"");
            assertTrue(push.matches("\\{\"type\":\"disconnect\",\"code\":4000,\"reason\":\"shutdown\",\"reconnect\":true"
                    + "(,\"reconnectDelayMs\":[0-9]+)?}"), push);
            assertEquals(new WsTestClient.Close(4000, "shutdown"), client.awaitClose());
            await().atMost(WsTestClient.WAIT).ignoreExceptions()
                    .until(() -> get(draining, "/readyz").statusCode() == 503);
        }
    }

    @Test
    void developmentModeServesTokensThatTheNodeAccepts() throws Exception {
        try (GatewayServer dev = GatewayServer.start(new ConfigLoader().load(null,
                Map.of("CRIER_SERVER_PORT", "0", "CRIER_NODE_ID", "dev-node")))) {
            HttpResponse<String> response = get(dev, "/dev/token?user=ivan");
            assertEquals(200, response.statusCode());
            String token = response.body().replaceAll("^\\{\"token\":\"([^\"]+)\"}$", "$1");
            try (WsTestClient client = WsTestClient.connect(wsUri(dev))) {
                client.send(ClientCommands.auth(1, token));
                assertTrue(client.next().contains("\"user\":\"ivan\""));
            }
        }
    }

    private static GatewayServer start(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                "CRIER_SERVER_PORT", "0", "CRIER_AUTH_HMAC_SECRET", SECRET, "CRIER_NODE_ID", "it-node"));
        env.putAll(overrides);
        return GatewayServer.start(new ConfigLoader().load(null, env));
    }

    private static String token(String user) {
        return TestTokens.hs256(TestTokens.secret(), user, List.of("*"), List.of("*"), Duration.ofMinutes(5));
    }

    private static WsTestClient authenticated(String user) throws Exception {
        return authenticated(node, user);
    }

    private static WsTestClient authenticated(GatewayServer server, String user) throws Exception {
        WsTestClient client = WsTestClient.connect(wsUri(server));
        client.send(ClientCommands.auth(1, token(user)));
        client.awaitContaining("\"type\":\"welcome\"");
        assertEquals("{\"type\":\"ok\",\"id\":1}", client.next());
        return client;
    }

    private static URI wsUri(GatewayServer server) {
        return URI.create(server.webSocketUrl());
    }

    private static HttpResponse<String> get(GatewayServer server, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
