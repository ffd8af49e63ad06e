package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.TestFleet;
import io.crier.gateway.support.WsTestClient;
import io.crier.protocol.CloseCode;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path on real parts: a {@code redis-server} child process, two gateway nodes on free ports,
 * and real WebSocket clients A (on node 1) and B (on node 2).
 */
class ClusterEndToEndIT {

    private static final String SECRET = "end-to-end-test-secret-of-at-least-32-bytes";

    private static TestFleet fleet;
    private static RedisServerProcess redis;
    private static GatewayServer node1;
    private static GatewayServer node2;

    @BeforeAll
    static void startFleet() throws Exception {
        redis = RedisServerProcess.start();
        fleet = TestFleet.start(redis, 2, TestFleet.env(SECRET, redis));
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
    void clientAndBackendPublicationsReachSubscribersOnBothNodes() throws Exception {
        String topic = "e2e:both-nodes";
        try (WsTestClient a = authenticated(node1, "alice"); WsTestClient b = authenticated(node2, "bob")) {
            subscribe(a, topic, 2);
            subscribe(b, topic, 2);

            b.send(ClientCommands.publish(3, topic, "{\"n\":1}"));
            b.awaitContaining("{\"type\":\"ok\",\"id\":3}");
            String expected = "{\"type\":\"message\",\"topic\":\"" + topic + "\",\"data\":{\"n\":1}}";
            assertEquals(expected, a.awaitContaining("\"type\":\"message\""));
            assertEquals(expected, b.awaitContaining("\"type\":\"message\""));

            String reached = redis.cli("PUBLISH", "crier:" + topic, "{\"data\":{\"from\":\"backend\"}}").trim();
            assertEquals("2", reached, "both nodes are subscribed on Redis");
            String fromBackend = "{\"type\":\"message\",\"topic\":\"" + topic + "\",\"data\":{\"from\":\"backend\"}}";
            assertEquals(fromBackend, a.awaitContaining("\"type\":\"message\""));
            assertEquals(fromBackend, b.awaitContaining("\"type\":\"message\""));
        }
    }

    @Test
    void forbiddenSubscribeGetsAnErrorReplyAndTheSocketStaysOpen() throws Exception {
        String token = TestTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), "carol", List.of("public:*"), List.of(), Duration.ofMinutes(5));
        try (WsTestClient c = WsTestClient.connect(wsUri(node1))) {
            c.send(ClientCommands.auth(1, token));
            c.awaitContaining("\"type\":\"welcome\"");
            c.send(ClientCommands.encode(new Command.Subscribe(CommandId.ofString("s-1"), "private:ledger")));
            String error = c.awaitContaining("\"id\":\"s-1\"");
            assertTrue(error.startsWith("{\"type\":\"error\",\"id\":\"s-1\",\"code\":\"forbidden\""), error);

            c.send(ClientCommands.ping(2));
            assertEquals("{\"type\":\"ok\",\"id\":2}", c.awaitContaining("\"id\":2"));
            assertTrue(!c.isClosed(), "an error reply leaves the socket open");
        }
    }

    @Test
    void badTokenClosesTheSocketWithTheInvalidTokenCode() throws Exception {
        String wrongSecret = TestTokens.hs256("some-other-secret-that-is-32-bytes-long!".getBytes(StandardCharsets.UTF_8),
                "mallory", List.of("*"), List.of("*"), Duration.ofMinutes(5));
        try (WsTestClient m = WsTestClient.connect(wsUri(node2))) {
            m.send(ClientCommands.auth(1, wrongSecret));
            String push = m.awaitContaining("\"type\":\"disconnect\"");
            assertEquals("{\"type\":\"disconnect\",\"code\":4500,\"reason\":\"invalid_token\",\"reconnect\":false}", push);
            WsTestClient.Close close = m.awaitClose();
            assertEquals(CloseCode.INVALID_TOKEN.code(), close.code());
            assertEquals(CloseCode.INVALID_TOKEN.reason(), close.reason());
        }
    }

    @Test
    void publicationsFlowAgainAfterRedisRestartsWithNoActionFromClients() throws Exception {
        String topic = "e2e:redis-restart";
        try (WsTestClient a = authenticated(node1, "alice"); WsTestClient b = authenticated(node2, "bob")) {
            subscribe(a, topic, 2);
            subscribe(b, topic, 2);

            redis.kill();
            fleet.awaitReady(503);
            redis.restart();
            fleet.awaitReady(200);
            // Pub/sub is at most once: wait until both nodes have resubscribed before publishing.
            await().atMost(WsTestClient.WAIT).until(
                    () -> redis.cli("PUBSUB", "NUMSUB", "crier:" + topic).contains("\n2"));

            redis.cli("PUBLISH", "crier:" + topic, "{\"data\":\"after-restart\"}");
            String expected = "{\"type\":\"message\",\"topic\":\"" + topic + "\",\"data\":\"after-restart\"}";
            assertEquals(expected, a.awaitContaining("\"type\":\"message\""));
            assertEquals(expected, b.awaitContaining("\"type\":\"message\""));

            a.send(ClientCommands.publish(9, topic, "[1,2,3]"));
            a.awaitContaining("{\"type\":\"ok\",\"id\":9}");
            String fromClient = "{\"type\":\"message\",\"topic\":\"" + topic + "\",\"data\":[1,2,3]}";
            assertEquals(fromClient, a.awaitContaining("\"type\":\"message\""));
            assertEquals(fromClient, b.awaitContaining("\"type\":\"message\""));
        }
    }

    /** A client authenticated by the first-frame {@code auth} command, allowed every topic. */
    private static WsTestClient authenticated(GatewayServer node, String user) throws Exception {
        String token = TestTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), user, List.of("*"), List.of("*"), Duration.ofMinutes(5));
        WsTestClient client = WsTestClient.connect(wsUri(node));
        client.send(ClientCommands.auth(1, token));
        String welcome = client.awaitContaining("\"type\":\"welcome\"");
        assertTrue(welcome.contains("\"user\":\"" + user + "\""), welcome);
        assertTrue(welcome.contains("\"node\":\"" + node.nodeId() + "\""), welcome);
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
        return client;
    }

    private static void subscribe(WsTestClient client, String topic, int id) throws Exception {
        client.send(ClientCommands.subscribe(id, topic));
        assertEquals("{\"type\":\"ok\",\"id\":" + id + "}", client.awaitContaining("\"id\":" + id + "}"));
    }

    private static URI wsUri(GatewayServer node) {
        return URI.create("ws://127.0.0.1:" + node.port() + "/ws");
    }
}
