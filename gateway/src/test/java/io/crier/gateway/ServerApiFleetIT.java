package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.support.HaproxyProcess;
import io.crier.gateway.support.ServerApi;
import io.crier.gateway.support.TestFleet;
import io.crier.gateway.support.WsTestClient;
import io.crier.protocol.ClientCommands;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server API across a fleet, on real parts: a {@code redis-server}, three nodes, and HAProxy (the shipped
 * configuration) in front of them. Each user under test holds a session on every node directly and one through
 * HAProxy; a backend calls one node's API, and every session closes with the documented code within the answer
 * timeout (the control message) or the reload interval (a revocation whose message was missed), while another
 * user's sessions stay open. A node started after a revocation refuses the revoked token.
 */
class ServerApiFleetIT {

    private static final String SECRET = "server-api-fleet-it-secret-of-at-least-32-bytes";
    private static final String API_KEY = "server-api-fleet-it-key-of-at-least-32-bytes!";
    private static final int NODES = 3;
    /** {@code fleet.revocationReload}: the bound on a missed control message. */
    private static final Duration RELOAD = Duration.ofSeconds(1);
    /** Every close must arrive well within this (the answer timeout is 2 s). */
    private static final Duration BOUND = Duration.ofSeconds(5);

    private static final ServerApi api = new ServerApi(API_KEY, SECRET);
    private static RedisServerProcess redis;
    private static TestFleet fleet;
    private static HaproxyProcess haproxy;

    @BeforeAll
    static void startFleet() {
        redis = RedisServerProcess.start();
        fleet = TestFleet.start(redis, NODES, env());
        haproxy = HaproxyProcess.start(HaproxyProcess.shippedConfig(),
                IntStream.range(0, NODES).mapToObj(i -> fleet.node(i).port()).toList());
    }

    @AfterAll
    static void stopFleet() {
        if (haproxy != null) {
            haproxy.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    private static Map<String, String> env() {
        Map<String, String> env = TestFleet.env(SECRET, redis);
        env.put("CRIER_API_KEY", API_KEY);
        env.put("CRIER_FLEET_REVOCATION_RELOAD", RELOAD.toMillis() + "ms");
        env.putAll(HaproxyProcess.NODE_ENV);
        return env;
    }

    @Test
    void disconnectClosesEverySessionOfTheUserOnEveryNodeAndCountsThem() throws Exception {
        String token = api.token("d-user", "d-jti", Instant.now());
        List<WsTestClient> sessions = everywhere(token);
        try (WsTestClient bystander = ServerApi.session(ws(0), api.token("d-other", null, Instant.now()))) {
            long start = System.nanoTime();
            String answer = api.ok(fleet.node(1).baseUrl(), "disconnect", "{\"user\":\"d-user\",\"reconnect\":true}");

            assertEquals("{\"sessions\":" + sessions.size() + ",\"nodes\":3}", answer);
            assertAllClosed(sessions, 4010, start);
            assertStillServed(bystander);
            assertEquals("{\"sessions\":0,\"nodes\":3}",
                    api.ok(fleet.node(2).baseUrl(), "disconnect", "{\"user\":\"d-user\"}"));
            // A disconnect is not a revocation: the same token connects again.
            ServerApi.session(ws(2), token).close();
        } finally {
            sessions.forEach(WsTestClient::close);
        }
    }

    @Test
    void anApplicationCloseCodeReachesTheUsersSessionsOnEveryNodeExactly() throws Exception {
        List<WsTestClient> sessions = everywhere(api.token("app-user", null, Instant.now()));
        try {
            String answer = api.ok(fleet.node(2).baseUrl(), "disconnect",
                    "{\"user\":\"app-user\",\"code\":4321,\"reason\":\"moved_out\"}");

            assertEquals("{\"sessions\":" + sessions.size() + ",\"nodes\":3}", answer);
            for (WsTestClient session : sessions) {
                assertEquals(new WsTestClient.Close(4321, "moved_out"), session.awaitClose());
            }
        } finally {
            sessions.forEach(WsTestClient::close);
        }
    }

    @Test
    void aRevokedTokenIsClosedEverywhereAndRefusedEvenByANodeStartedLater() throws Exception {
        String token = api.token("r-user", "r-jti", Instant.now());
        List<WsTestClient> sessions = everywhere(token);
        try (WsTestClient bystander = ServerApi.session(ws(0), api.token("r-user", "r-jti-2", Instant.now()))) {
            long start = System.nanoTime();
            long exp = Instant.now().plusSeconds(3600).getEpochSecond();
            String answer = api.ok(fleet.node(0).baseUrl(), "revoke", "{\"jti\":\"r-jti\",\"exp\":" + exp + "}");

            assertEquals("{\"sessions\":" + sessions.size() + ",\"nodes\":3}", answer);
            assertAllClosed(sessions, 4503, start);
            assertStillServed(bystander);
            for (int i = 0; i < NODES; i++) {
                ServerApi.refused(ws(i), token, 4503);
            }
            try (GatewayServer later = GatewayServer.start(laterNodeConfig())) {
                TestFleet.awaitReady(later, 200);
                ServerApi.refused(URI.create(later.webSocketUrl()), token, 4503);
                ServerApi.session(URI.create(later.webSocketUrl()), api.token("r-user", "r-jti-3", Instant.now()))
                        .close();
            }
        } finally {
            sessions.forEach(WsTestClient::close);
        }
    }

    @Test
    void invalidatingClosesTokensIssuedBeforeTheTimeAndAcceptsNewerOnes() throws Exception {
        Instant old = Instant.now().minusSeconds(60);
        List<WsTestClient> sessions = everywhere(api.token("i-user", null, old));
        try {
            long start = System.nanoTime();
            long cut = Instant.now().minusSeconds(30).getEpochSecond();
            String answer = api.ok(fleet.node(2).baseUrl(), "invalidate",
                    "{\"user\":\"i-user\",\"issuedBefore\":" + cut + "}");

            assertEquals("{\"sessions\":" + sessions.size() + ",\"nodes\":3}", answer);
            assertAllClosed(sessions, 4503, start);
            ServerApi.refused(ws(1), api.token("i-user", null, old), 4503);
            ServerApi.session(ws(1), api.token("i-user", null, Instant.now())).close();
        } finally {
            sessions.forEach(WsTestClient::close);
        }
    }

    @Test
    void aBlockedUserIsClosedEverywhereAndRefusedUntilUnblocked() throws Exception {
        String token = api.token("b-user", "b-jti", Instant.now());
        List<WsTestClient> sessions = everywhere(token);
        try {
            long start = System.nanoTime();
            long until = Instant.now().plusSeconds(600).getEpochSecond();
            String answer = api.ok(fleet.node(1).baseUrl(), "block", "{\"user\":\"b-user\",\"until\":" + until + "}");

            assertEquals("{\"sessions\":" + sessions.size() + ",\"nodes\":3}", answer);
            assertAllClosed(sessions, 4504, start);
            ServerApi.refused(haproxy.wsUri(), token, 4504);
            ServerApi.refused(ws(2), api.token("b-user", "b-jti-new", Instant.now()), 4504);

            assertEquals("{\"sessions\":0,\"nodes\":3}",
                    api.ok(fleet.node(0).baseUrl(), "unblock", "{\"user\":\"b-user\"}"));
            for (int i = 0; i < NODES; i++) {
                ServerApi.session(ws(i), token).close();
            }
        } finally {
            sessions.forEach(WsTestClient::close);
        }
    }

    @Test
    void aRevocationWhoseControlMessageWasMissedTakesEffectWithinTheReloadInterval() throws Exception {
        String token = api.token("m-user", "m-jti", Instant.now());
        List<WsTestClient> sessions = everywhere(token);
        try {
            long until = Instant.now().plusSeconds(600).toEpochMilli();
            long start = System.nanoTime();
            // What a node's store writes, without the control message that would follow it.
            redis.cli("HSET", "{crier.revocations}:tokens", "m-jti", until + "," + until);

            assertAllClosed(sessions, 4503, start);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < RELOAD.toMillis() + 1000, "closed after " + tookMillis + " ms");
        } finally {
            sessions.forEach(WsTestClient::close);
        }
    }

    @Test
    void theBatchAnswersEachActionAndInfoListsTheNodes() throws Exception {
        String token = api.token("batch-user", null, Instant.now());
        List<WsTestClient> sessions = everywhere(token);
        try {
            String answer = api.ok(fleet.node(0).baseUrl(), "batch", "{\"commands\":["
                    + "{\"action\":\"disconnect\",\"user\":\"batch-user\"},"
                    + "{\"action\":\"unblock\",\"user\":\"nobody\"},"
                    + "{\"action\":\"revoke\",\"jti\":\"x\"}]}");

            assertEquals("{\"results\":[{\"sessions\":" + sessions.size() + ",\"nodes\":3},{\"sessions\":0,\"nodes\":3},"
                    + "{\"error\":{\"code\":\"missing_field\",\"message\":\"missing field 'exp'\"}}]}", answer);
            assertAllClosed(sessions, 4510, System.nanoTime());
            String info = api.ok(fleet.node(2).baseUrl(), "info", "{}");
            for (int i = 0; i < NODES; i++) {
                assertTrue(info.contains("\"id\":\"" + fleet.node(i).nodeId() + "\""), info);
            }
        } finally {
            sessions.forEach(WsTestClient::close);
        }
    }

    @Test
    void subscribeAndUnsubscribeReachTheUsersLiveSessionsOnEveryNode() throws Exception {
        String token = api.token("s-user", null, Instant.now());
        List<WsTestClient> sessions = everywhere(token);
        try (WsTestClient bystander = ServerApi.session(ws(0), api.token("s-other", null, Instant.now()))) {
            long start = System.nanoTime();
            String body = "{\"user\":\"s-user\",\"topic\":\"orders:s-user\"}";
            assertEquals("{\"sessions\":" + sessions.size() + ",\"nodes\":3}",
                    api.ok(fleet.node(1).baseUrl(), "subscribe", body));
            for (WsTestClient session : sessions) {
                assertEquals("{\"type\":\"subscribed\",\"topic\":\"orders:s-user\"}",
                        session.awaitContaining("\"subscribed\""));
            }
            assertWithinBound(start);
            // Idempotent: the sessions hold the topic already.
            assertEquals("{\"sessions\":0,\"nodes\":3}", api.ok(fleet.node(2).baseUrl(), "subscribe", body));

            // Every session, whichever node it is on, gets what is published on its new topic.
            api.ok(fleet.node(0).baseUrl(), "publish", "{\"topic\":\"orders:s-user\",\"data\":{\"n\":1}}");
            for (WsTestClient session : sessions) {
                assertEquals("{\"type\":\"message\",\"topic\":\"orders:s-user\",\"data\":{\"n\":1}}",
                        session.awaitContaining("\"message\""));
            }

            start = System.nanoTime();
            assertEquals("{\"sessions\":" + sessions.size() + ",\"nodes\":3}",
                    api.ok(fleet.node(2).baseUrl(), "unsubscribe", body));
            for (WsTestClient session : sessions) {
                assertEquals("{\"type\":\"unsubscribed\",\"topic\":\"orders:s-user\"}",
                        session.awaitContaining("\"unsubscribed\""));
                assertStillServed(session);
            }
            assertWithinBound(start);
            assertEquals("{\"sessions\":0,\"nodes\":3}", api.ok(fleet.node(0).baseUrl(), "unsubscribe", body));
            assertStillServed(bystander);
        } finally {
            sessions.forEach(WsTestClient::close);
        }
    }

    @Test
    void badRequestsAreRefusedWithTheApiErrorsAndReachNoOne() throws Exception {
        try (WsTestClient session = ServerApi.session(ws(0), api.token("bad-user", null, Instant.now()))) {
            assertEquals(400, api.post(fleet.node(0).baseUrl(), "disconnect", "{\"user\":\"bad-user\"").statusCode());
            assertEquals(400, api.post(fleet.node(0).baseUrl(), "disconnect", "{\"user\":\"a\\u0000\"}").statusCode());
            assertEquals(400, api.post(fleet.node(0).baseUrl(), "block", "{\"user\":\"bad-user\"}").statusCode());
            assertEquals(401, new ServerApi("wrong-key-wrong-key-wrong-key-wrong-key", SECRET)
                    .post(fleet.node(0).baseUrl(), "disconnect", "{\"user\":\"bad-user\"}").statusCode());
            assertEquals(404, api.post(fleet.node(0).baseUrl(), "explode", "{}").statusCode());
            assertStillServed(session);
        }
    }

    /** A session of {@code token} directly on each node, and one more through HAProxy. */
    private static List<WsTestClient> everywhere(String token) throws Exception {
        List<WsTestClient> sessions = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            sessions.add(ServerApi.session(ws(i), token));
        }
        sessions.add(ServerApi.session(haproxy.wsUri(), token));
        return sessions;
    }

    private static void assertAllClosed(List<WsTestClient> sessions, int code, long startNanos) throws Exception {
        for (WsTestClient session : sessions) {
            assertEquals(code, session.awaitClose().code());
        }
        long tookMillis = (System.nanoTime() - startNanos) / 1_000_000;
        assertTrue(tookMillis < BOUND.toMillis(), "closed after " + tookMillis + " ms");
    }

    private static void assertWithinBound(long startNanos) {
        long tookMillis = (System.nanoTime() - startNanos) / 1_000_000;
        assertTrue(tookMillis < BOUND.toMillis(), "reached after " + tookMillis + " ms");
    }

    private static void assertStillServed(WsTestClient session) throws Exception {
        session.send(ClientCommands.ping(9));
        assertTrue(session.awaitContaining("\"id\":9").startsWith("{\"type\":\"ok\""));
        assertFalse(session.isClosed());
    }

    private static URI ws(int node) {
        return URI.create(fleet.node(node).webSocketUrl());
    }

    private static io.crier.gateway.config.CrierConfig laterNodeConfig() {
        Map<String, String> env = new LinkedHashMap<>(env());
        env.put("CRIER_SERVER_PORT", "0");
        env.put("CRIER_NODE_ID", "fleet-node-later");
        return new ConfigLoader().load(null, env);
    }
}
