package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.support.ServerApi;
import io.crier.gateway.support.WsTestClient;
import io.crier.protocol.ClientCommands;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server API on one node with the embedded in-memory default (no Redis): every action works on the one node
 * ({@code "nodes":1}), and revocations are checked at the {@code auth} command, the {@code Authorization: Bearer}
 * upgrade (401) and {@code refresh} (an {@code invalid_token} error; the session keeps its token).
 */
class ServerApiEmbeddedIT {

    private static final String SECRET = "server-api-embedded-it-secret-of-at-least-32-bytes";
    private static final String API_KEY = "server-api-embedded-it-key-of-at-least-32-bytes!";

    private static final ServerApi api = new ServerApi(API_KEY, SECRET);
    private static GatewayServer node;

    @BeforeAll
    static void startNode() {
        node = GatewayServer.start(new ConfigLoader().load(null, Map.of("CRIER_SERVER_PORT", "0",
                "CRIER_AUTH_HMAC_SECRET", SECRET, "CRIER_API_KEY", API_KEY, "CRIER_NODE_ID", "embedded",
                ConfigLoader.envName("namespaces.default.presence"), "full",
                ConfigLoader.envName("namespaces.default.historySize"), "10")));
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @Test
    void disconnectRevokeAndBlockWorkOnTheOneNode() throws Exception {
        String token = api.token("e-user", "e-jti", Instant.now());
        try (WsTestClient first = ServerApi.session(ws(), token); WsTestClient second = ServerApi.session(ws(), token)) {
            assertEquals("{\"sessions\":2,\"nodes\":1}", api.ok(node.baseUrl(), "disconnect", "{\"user\":\"e-user\"}"));
            assertEquals(4510, first.awaitClose().code());
            assertEquals(4510, second.awaitClose().code());
        }
        try (WsTestClient session = ServerApi.session(ws(), token)) {
            long exp = Instant.now().plusSeconds(600).getEpochSecond();
            assertEquals("{\"sessions\":1,\"nodes\":1}",
                    api.ok(node.baseUrl(), "revoke", "{\"jti\":\"e-jti\",\"exp\":" + exp + "}"));
            assertEquals(4503, session.awaitClose().code());
            ServerApi.refused(ws(), token, 4503);
        }
        String other = api.token("e-user", "e-jti-2", Instant.now());
        try (WsTestClient session = ServerApi.session(ws(), other)) {
            long until = Instant.now().plusSeconds(600).getEpochSecond();
            assertEquals("{\"sessions\":1,\"nodes\":1}",
                    api.ok(node.baseUrl(), "block", "{\"user\":\"e-user\",\"until\":" + until + "}"));
            assertEquals(4504, session.awaitClose().code());
            ServerApi.refused(ws(), other, 4504);
            api.ok(node.baseUrl(), "unblock", "{\"user\":\"e-user\"}");
            ServerApi.session(ws(), other).close();
        }
    }

    @Test
    void disconnectWithAnApplicationCodeGivesTheClientExactlyThatCodeAndReason() throws Exception {
        double apps = node.meters().counter("crier.disconnects", "reason", "app").count();
        try (WsTestClient kicked = ServerApi.session(ws(), api.token("c-user", null, Instant.now()));
             WsTestClient other = ServerApi.session(ws(), api.token("c-other", null, Instant.now()))) {
            assertEquals("{\"sessions\":1,\"nodes\":1}", api.ok(node.baseUrl(), "disconnect",
                    "{\"user\":\"c-user\",\"code\":4123,\"reason\":\"kicked\"}"));
            assertEquals("{\"type\":\"disconnect\",\"code\":4123,\"reason\":\"kicked\",\"reconnect\":true}",
                    kicked.awaitContaining("\"type\":\"disconnect\""));
            assertEquals(new WsTestClient.Close(4123, "kicked"), kicked.awaitClose());
            other.send(ClientCommands.ping(2));
            assertTrue(other.awaitContaining("\"id\":2").startsWith("{\"type\":\"ok\""));
        }
        try (WsTestClient gone = ServerApi.session(ws(), api.token("c-user", null, Instant.now()))) {
            assertEquals("{\"sessions\":1,\"nodes\":1}", api.ok(node.baseUrl(), "disconnect",
                    "{\"user\":\"c-user\",\"code\":4601,\"reason\":\"account_deleted\",\"reconnect\":false}"));
            assertEquals("{\"type\":\"disconnect\",\"code\":4601,\"reason\":\"account_deleted\","
                    + "\"reconnect\":false}", gone.awaitContaining("\"type\":\"disconnect\""));
            assertEquals(new WsTestClient.Close(4601, "account_deleted"), gone.awaitClose());
        }
        assertEquals(apps + 2, node.meters().counter("crier.disconnects", "reason", "app").count());
    }

    @Test
    void aDisconnectCodeOutsideTheApplicationRangesOrWithABadReasonIsRefusedAndReachesNoOne() throws Exception {
        try (WsTestClient session = ServerApi.session(ws(), api.token("x-user", null, Instant.now()))) {
            for (String body : new String[] {
                "{\"user\":\"x-user\",\"code\":4010,\"reason\":\"disconnected\"}",
                "{\"user\":\"x-user\",\"code\":4505,\"reason\":\"backend_refused\"}",
                "{\"user\":\"x-user\",\"code\":4123,\"reason\":\"Not Plain\"}",
                "{\"user\":\"x-user\",\"code\":4123,\"reason\":\"" + "r".repeat(33) + "\"}",
                "{\"user\":\"x-user\",\"code\":4123,\"reason\":\"kicked\",\"reconnect\":false}",
                "{\"user\":\"x-user\",\"reason\":\"kicked\"}"}) {
                var response = api.post(node.baseUrl(), "disconnect", body);
                assertEquals(400, response.statusCode(), body);
                assertTrue(response.body().contains("\"invalid_field\""), response.body());
                assertFalse(response.body().contains("Not Plain") || response.body().contains("rrrr"), response.body());
            }
            session.send(ClientCommands.ping(2));
            assertTrue(session.awaitContaining("\"id\":2").startsWith("{\"type\":\"ok\""));
            assertFalse(session.isClosed());
        }
    }

    @Test
    void aRevokedBearerTokenIsRefusedAtTheUpgradeAndARevokedRefreshKeepsTheSessionsToken() throws Exception {
        String revoked = api.token("f-user", "f-revoked", Instant.now());
        long exp = Instant.now().plusSeconds(600).getEpochSecond();
        assertEquals("{\"sessions\":0,\"nodes\":1}",
                api.ok(node.baseUrl(), "revoke", "{\"jti\":\"f-revoked\",\"exp\":" + exp + "}"));

        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> WsTestClient.connectWithBearer(ws(), revoked).close());
        assertEquals(401, assertInstanceOf(WebSocketHandshakeException.class, refused.getCause())
                .getResponse().statusCode());

        try (WsTestClient session = ServerApi.session(ws(), api.token("f-user", "f-live", Instant.now()))) {
            session.send(ClientCommands.refresh(2, revoked));
            String reply = session.awaitContaining("\"id\":2");
            assertTrue(reply.contains("\"code\":\"invalid_token\""), reply);
            session.send(ClientCommands.ping(3));
            assertTrue(session.awaitContaining("\"id\":3").startsWith("{\"type\":\"ok\""));
        }
        assertTrue(node.meters().counter("crier.auth.failures", "reason", "revoked").count() >= 2);
    }

    @Test
    void presenceAndHistoryReadWhatTheCommandsRead() throws Exception {
        try (WsTestClient session = ServerApi.session(ws(), api.token("p-user", null, Instant.now()))) {
            session.send(ClientCommands.subscribe(2, "room:1"));
            assertTrue(session.awaitContaining("\"id\":2").startsWith("{\"type\":\"ok\""));
            await().atMost(Duration.ofSeconds(10)).until(() -> api.ok(node.baseUrl(), "presence",
                    "{\"topic\":\"room:1\"}").startsWith("{\"presence\":[{\"user\":\"p-user\",\"session\":\"embedded-"));
            assertEquals("{\"sessions\":1,\"users\":1}",
                    api.ok(node.baseUrl(), "presence", "{\"topic\":\"room:1\",\"countOnly\":true}"));

            api.ok(node.baseUrl(), "publish", "{\"topic\":\"room:1\",\"data\":{\"n\":1}}");
            api.ok(node.baseUrl(), "publish", "{\"topic\":\"room:1\",\"data\":{\"n\":2}}");
            String history = api.ok(node.baseUrl(), "history", "{\"topic\":\"room:1\",\"limit\":1}");
            assertTrue(history.matches("\\{\"offset\":2,\"epoch\":\"[^\"]+\",\"complete\":true,"
                    + "\"publications\":\\[\\{\"offset\":1,\"data\":\\{\"n\":1}}]}"), history);
        }
    }

    @Test
    void infoListsTheOneNode() throws Exception {
        String info = api.ok(node.baseUrl(), "info", "{}");
        assertTrue(info.startsWith("{\"node\":\"embedded\",\"nodes\":[{\"id\":\"embedded\""), info);
    }

    private static URI ws() {
        return URI.create(node.webSocketUrl());
    }
}
