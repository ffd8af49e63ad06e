package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.badinput.RawWebSocket;
import io.crier.gateway.config.ConfigLoader;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.WsTestClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node-wide connection limit ({@code limits.maxConnections}) on a live node over real sockets: with two
 * slots and two authenticated sessions, the next upgrade gets HTTP 503 and its connection is closed, the
 * sessions stay, and a slot freed by a session that leaves admits the next client. The per-IP limit is as
 * large as the node's, so the 503 (not a 429) also shows that the node-full check comes first; an invalid
 * token (401) and a foreign origin (403) are refused before it. On a second node, the per-IP limit counts the
 * TCP peer whatever forwarding headers a client sends.
 */
class ConnectionLimitsIT {

    private static final int SLOTS = 2;
    private static final Duration WAIT = WsTestClient.WAIT;

    private static GatewayServer node;
    private static URI ws;

    @BeforeAll
    static void startNode() {
        node = GatewayServer.start(new ConfigLoader().load(null, Map.of(
                "CRIER_NODE_ID", "connection-limit-node",
                "CRIER_SERVER_PORT", "0",
                "CRIER_LIMITS_MAX_CONNECTIONS", String.valueOf(SLOTS),
                "CRIER_LIMITS_MAX_CONNECTIONS_PER_IP", String.valueOf(SLOTS),
                "CRIER_AUTH_HMAC_SECRET", new String(TestTokens.secret(), StandardCharsets.UTF_8))));
        ws = URI.create(node.webSocketUrl());
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @AfterEach
    void everySlotIsGivenBack() {
        await().atMost(WAIT).until(() -> connections() == 0);
    }

    @Test
    void aFullNodeAnswers503BeforeTheUpgradeAndAdmitsAgainOnceASessionLeaves() throws Exception {
        try (WsTestClient alice = session("alice"); WsTestClient bob = session("bob")) {
            assertEquals(SLOTS, connections());

            assertRefused("", 503);

            assertEquals(1.0, refused("node_full"));
            assertEquals(0.0, refused("ip_limit"), "node full is checked before the per-IP limit");
            assertEquals(SLOTS, connections(), "the refused connection held no slot");
            alice.send(ClientCommands.ping(2));
            assertEquals("{\"type\":\"ok\",\"id\":2}", alice.awaitContaining("\"id\":2"));

            alice.close();
            await().atMost(WAIT).until(() -> connections() == SLOTS - 1);
            try (WsTestClient carol = session("carol")) {
                carol.send(ClientCommands.ping(3));
                assertEquals("{\"type\":\"ok\",\"id\":3}", carol.awaitContaining("\"id\":3"));
            }
        }
    }

    @Test
    void anInvalidTokenAndAForeignOriginAreRefusedForThemselvesBeforeTheNodeIsFound() throws Exception {
        try (WsTestClient alice = session("alice"); WsTestClient bob = session("bob")) {
            double full = refused("node_full");

            assertRefused("Authorization: Bearer not-a-token\r\n", 401);
            assertRefused("Origin: https://evil.example\r\n", 403);

            assertEquals(full, refused("node_full"));
            assertEquals(SLOTS, connections());
        }
    }

    @Test
    void thePerIpLimitCountsTheTcpPeerWhateverForwardingHeadersTheClientSends() throws Exception {
        try (GatewayServer onePerIp = GatewayServer.start(new ConfigLoader().load(null, Map.of(
                "CRIER_NODE_ID", "one-per-ip-node",
                "CRIER_SERVER_PORT", "0",
                "CRIER_LIMITS_MAX_CONNECTIONS_PER_IP", "1",
                "CRIER_AUTH_HMAC_SECRET", new String(TestTokens.secret(), StandardCharsets.UTF_8))));
             WsTestClient first = session(URI.create(onePerIp.webSocketUrl()), "alice")) {
            URI uri = URI.create(onePerIp.webSocketUrl());

            assertRefused(uri, "X-Forwarded-For: 198.51.100.7\r\nX-Real-IP: 198.51.100.8\r\n"
                    + "Forwarded: for=198.51.100.9\r\n", 429);

            assertEquals(1.0, onePerIp.meters().counter("crier.handshakes.refused", "reason", "ip_limit").count());
            assertEquals(1.0, onePerIp.meters().get("crier.limits.ips").gauge().value());
        }
    }

    /** An authenticated session (Bearer upgrade, so it holds its slot from the upgrade on). */
    private static WsTestClient session(String user) throws Exception {
        return session(ws, user);
    }

    private static WsTestClient session(URI uri, String user) throws Exception {
        WsTestClient client = WsTestClient.connectWithBearer(uri,
                TestTokens.hs256(TestTokens.secret(), user, List.of("*"), List.of("*"), Duration.ofMinutes(5)));
        client.awaitContaining("\"type\":\"welcome\"");
        return client;
    }

    /** An upgrade with {@code headers} gets {@code status} and its connection is closed by the node. */
    private static void assertRefused(String headers, int status) throws Exception {
        assertRefused(ws, headers, status);
    }

    private static void assertRefused(URI uri, String headers, int status) throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(uri)) {
            RawWebSocket.HttpHead head = client.request(RawWebSocket.upgradeRequest("/ws", headers));
            assertEquals(status, head.status(), head.text());
            client.readUntilEndOfStream(WAIT);
        }
    }

    private static double connections() {
        return node.meters().get("crier.limits.connections").gauge().value();
    }

    private static double refused(String reason) {
        return node.meters().counter("crier.handshakes.refused", "reason", reason).count();
    }
}
