package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.support.TestBackend;
import io.crier.gateway.support.TestBackend.Answer;
import io.crier.gateway.support.WsTestClient;
import io.crier.protocol.ClientCommands;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.RawJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy hooks against one real node and a real HTTP backend ({@link TestBackend}): for each hook, what the
 * client is told when the backend answers, refuses, disconnects, stalls past {@code proxy.timeout}, answers garbage,
 * a bad status or an oversized body, or is gone; and, while it misbehaves, a witness session on the same node still
 * has its pings answered. The backend decides by what the request carries (the {@code as} of the auth data, the
 * topic, the method, the user), so the tests share one node and one backend.
 */
class ProxyHooksIT {

    private static final Pattern AS = Pattern.compile("\"as\":\"([a-z0-9-]+)\"");
    private static final String DISCONNECT_BACKEND_UNAVAILABLE =
            "{\"type\":\"disconnect\",\"code\":4007,\"reason\":\"backend_unavailable\",\"reconnect\":true,"
                    + "\"reconnectDelayMs\":";

    @TempDir
    static Path dir;

    private static final CountDownLatch gate = new CountDownLatch(1);
    private static TestBackend backend;
    private static TestBackend gone;
    private static GatewayServer node;
    private static final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start();
        gone = TestBackend.start();
        gone.goAway();
        backend.on("/connect", ProxyHooksIT::connectAnswer);
        backend.on("/refresh", ProxyHooksIT::refreshAnswer);
        backend.on("/subscribe", request -> request.body().contains("\"topic\":\"hooked:no\"")
                ? new Answer.Json("{\"error\":{\"code\":1403,\"message\":\"members only\"}}")
                : request.body().contains("\"topic\":\"hooked:slow\"") ? new Answer.Stall()
                : request.body().contains("\"topic\":\"hooked:gated\"") ? new Answer.Gated(gate, "{\"result\":{}}")
                : request.body().contains("\"topic\":\"hooked:members\"")
                ? new Answer.Json("{\"disconnect\":{\"code\":4700,\"reason\":\"no_entry\"}}")
                : new Answer.Json("{\"result\":{}}"));
        backend.on("/publish", request -> request.body().contains("\"topic\":\"hooked:block\"")
                ? new Answer.Json("{\"error\":{\"code\":1400,\"message\":\"no shouting\"}}")
                : request.body().contains("\"topic\":\"hooked:rewrite\"")
                ? new Answer.Json("{\"result\":{\"data\":{\"clean\":true}}}")
                : request.body().contains("\"topic\":\"hooked:spam\"")
                ? new Answer.Json("{\"disconnect\":{\"code\":4400,\"reason\":\"slow_down\"}}")
                : new Answer.Json("{\"result\":{}}"));
        backend.on("/rpc", ProxyHooksIT::rpcAnswer);
        Path file = dir.resolve("crier.properties");
        Files.writeString(file, String.join("\n",
                "namespace.hooked.proxySubscribe=on",
                "namespace.hooked.proxyPublish=on",
                "namespace.calc.proxyRpc=on",
                "namespace.gone.proxyRpc=" + gone.url("/rpc"),
                ""), StandardCharsets.UTF_8);
        Map<String, String> env = new HashMap<>(Map.of(
                "CRIER_SERVER_PORT", "0",
                "CRIER_NODE_ID", "hooks-node",
                "CRIER_AUTH_HMAC_SECRET", "proxy-hooks-it-secret-0123456789-abcdef",
                "CRIER_AUTH_EXPIRY_WARNING", "2s",
                "CRIER_AUTH_EXPIRY_GRACE", "1s",
                "CRIER_PROXY_CONNECT_URL", backend.url("/connect"),
                "CRIER_PROXY_REFRESH_URL", backend.url("/refresh"),
                "CRIER_PROXY_SUBSCRIBE_URL", backend.url("/subscribe"),
                "CRIER_PROXY_PUBLISH_URL", backend.url("/publish"),
                "CRIER_PROXY_RPC_URL", backend.url("/rpc")));
        env.putAll(Map.of(
                "CRIER_PROXY_TIMEOUT", "1s",
                "CRIER_PROXY_MAX_IN_FLIGHT", "6",
                "CRIER_PROXY_MAX_IN_FLIGHT_PER_SESSION", "2",
                "CRIER_PROXY_MAX_RESPONSE_BYTES", "4096",
                "CRIER_PROXY_HEADERS", "Cookie,X-Tenant",
                "CRIER_PROXY_CONNECT_RETRY_DELAY_MAX", "2s"));
        node = GatewayServer.start(new ConfigLoader().load(file, env), Clock.systemUTC(), meters);
    }

    @AfterAll
    static void stop() {
        node.close();
        backend.close();
        gone.close();
    }

    /** The connect hook: the auth data's {@code as} says how to answer. */
    private static Answer connectAnswer(TestBackend.Request request) {
        Matcher as = AS.matcher(request.body());
        String who = as.find() ? as.group(1) : "nobody";
        long soon = Instant.now().getEpochSecond() + 3;
        return switch (who) {
            case "error" -> new Answer.Json("{\"error\":{\"code\":1001,\"message\":\"who are you?\"}}");
            case "retry" -> new Answer.Json("{\"disconnect\":{\"code\":4001,\"reason\":\"come back\"}}");
            case "banned" -> new Answer.Json("{\"disconnect\":{\"code\":4501,\"reason\":\"banned\"}}");
            case "app-retry" -> new Answer.Json("{\"disconnect\":{\"code\":4100,\"reason\":\"come_back\"}}");
            case "app-final" -> new Answer.Json("{\"disconnect\":{\"code\":4999,\"reason\":\"account_deleted\"}}");
            case "app-bad-reason" -> new Answer.Json("{\"disconnect\":{\"code\":4100,\"reason\":\"come back\"}}");
            case "stall" -> new Answer.Stall();
            case "garbage" -> new Answer.Json("<html>nonsense</html>");
            case "two" -> new Answer.Json("{\"result\":{\"user\":\"a\"},\"error\":{\"code\":1000,\"message\":\"x\"}}");
            case "status" -> new Answer.Status(503);
            case "big" -> new Answer.Oversized(100_000);
            case "keep", "drop", "flaky", "refresh-kick" -> new Answer.Json("{\"result\":{\"user\":\"" + who
                    + "\",\"expireAt\":" + soon + "}}");
            default -> new Answer.Json("{\"result\":{\"user\":\"" + who + "\",\"info\":{\"tier\":\"gold\"},"
                    + "\"subscribe\":[\"open:*\"],\"publish\":[\"open:*\"]}}");
        };
    }

    private static Answer refreshAnswer(TestBackend.Request request) {
        if (request.body().contains("\"user\":\"refresh-kick\"")) {
            return new Answer.Json("{\"disconnect\":{\"code\":4601,\"reason\":\"logged_out\"}}");
        }
        if (request.body().contains("\"user\":\"keep\"")) {
            return new Answer.Json("{\"result\":{\"expireAt\":" + (Instant.now().getEpochSecond() + 3600) + "}}");
        }
        return request.body().contains("\"user\":\"drop\"")
                ? new Answer.Json("{\"error\":{\"code\":1401,\"message\":\"logged out\"}}") : new Answer.Status(500);
    }

    private static Answer rpcAnswer(TestBackend.Request request) {
        String body = request.body();
        if (body.contains("\"method\":\"calc:add\"")) {
            return new Answer.Json("{\"result\":{\"data\":{\"sum\":3}}}");
        }
        if (body.contains("\"method\":\"calc:deny\"")) {
            return new Answer.Json("{\"error\":{\"code\":1002,\"message\":\"not today\"}}");
        }
        if (body.contains("\"method\":\"calc:kick\"")) {
            return new Answer.Json("{\"disconnect\":{\"code\":4200,\"reason\":\"kicked\"}}");
        }
        if (body.contains("\"method\":\"calc:pose\"")) {
            // A code in Crier's own range: the client gets 4008, so that a backend cannot pass for Crier.
            return new Answer.Json("{\"disconnect\":{\"code\":4004,\"reason\":\"token_expired\"}}");
        }
        return body.contains("\"method\":\"calc:stall\"") ? new Answer.Stall() : new Answer.Json("{\"result\":{}}");
    }

    @Test
    void theConnectHookAdmitsAClientWithoutATokenAndSeesItsDataAndAllowedHeaders() throws Exception {
        try (WsTestClient client = WsTestClient.connectWithHeaders(uri(),
                Map.of("Cookie", "sid=abc", "X-Tenant", "t1", "X-Other", "no"))) {
            client.send(auth("ada"));
            assertTrue(client.awaitContaining("\"type\":\"welcome\"").contains("\"user\":\"ada\""));
            client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
            TestBackend.Request seen = request(r -> r.path().equals("/connect") && r.body().contains("\"as\":\"ada\""));
            assertEquals("{\"node\":\"hooks-node\",\"data\":{\"as\":\"ada\"}}", seen.body());
            assertEquals("sid=abc", seen.headers().get("cookie"));
            assertEquals("t1", seen.headers().get("x-tenant"));
            assertFalse(seen.headers().containsKey("x-other"));
            // The connect result's claims apply: open:* is allowed, anything else is not.
            client.send(ClientCommands.subscribe(2, "open:room"));
            client.awaitContaining("{\"type\":\"ok\",\"id\":2}");
            client.send(ClientCommands.subscribe(3, "closed:room"));
            assertTrue(client.awaitContaining("\"id\":3").contains("\"code\":\"forbidden\""));
        }
    }

    @Test
    void aConnectRefusalGetsItsCodeAndMessageAndAFinalClose() throws Exception {
        try (WsTestClient client = WsTestClient.connect(uri())) {
            client.send(auth("error"));
            client.awaitContaining(
                    "{\"type\":\"error\",\"id\":1,\"code\":\"refused\",\"appCode\":1001,\"message\":\"who are you?\"}");
            assertEquals(new WsTestClient.Close(4505, "backend_refused"), client.awaitClose());
        }
    }

    @Test
    void theBackendsDisconnectChoosesBetweenReconnectAndFinal() throws Exception {
        try (WsTestClient retry = WsTestClient.connect(uri()); WsTestClient banned = WsTestClient.connect(uri())) {
            retry.send(auth("retry"));
            banned.send(auth("banned"));
            assertEquals(new WsTestClient.Close(4008, "backend_disconnect"), retry.awaitClose());
            assertEquals(new WsTestClient.Close(4505, "backend_refused"), banned.awaitClose());
        }
    }

    @Test
    void theBackendsApplicationCloseCodeReachesTheClientWithItsReason() throws Exception {
        try (WsTestClient retry = WsTestClient.connect(uri()); WsTestClient last = WsTestClient.connect(uri())) {
            retry.send(auth("app-retry"));
            last.send(auth("app-final"));
            assertEquals("{\"type\":\"disconnect\",\"code\":4100,\"reason\":\"come_back\",\"reconnect\":true}",
                    retry.awaitContaining("\"type\":\"disconnect\""));
            assertEquals(new WsTestClient.Close(4100, "come_back"), retry.awaitClose());
            assertEquals("{\"type\":\"disconnect\",\"code\":4999,\"reason\":\"account_deleted\","
                    + "\"reconnect\":false}", last.awaitContaining("\"type\":\"disconnect\""));
            assertEquals(new WsTestClient.Close(4999, "account_deleted"), last.awaitClose());
        }
        try (WsTestClient subscriber = connected("app-sub"); WsTestClient publisher = connected("app-pub");
             WsTestClient witness = connected("witness-app")) {
            subscriber.send(ClientCommands.subscribe(2, "hooked:members"));
            publisher.send(ClientCommands.publish(2, "hooked:spam", "{\"n\":1}"));
            assertEquals(new WsTestClient.Close(4700, "no_entry"), subscriber.awaitClose());
            assertEquals(new WsTestClient.Close(4400, "slow_down"), publisher.awaitClose());
            witness.send(ClientCommands.ping(2));
            witness.awaitContaining("{\"type\":\"ok\",\"id\":2}");
        }
    }

    @Test
    void aConnectHookThatFailsSendsTheClientAwayWithAJitteredDelayAndHarmsNoOne() throws Exception {
        try (WsTestClient witness = connected("witness-connect")) {
            // app-bad-reason: an application code whose reason is not [a-z0-9_]{1,32} is a malformed answer.
            for (String failure : List.of("stall", "garbage", "two", "status", "big", "app-bad-reason")) {
                try (WsTestClient client = WsTestClient.connect(uri())) {
                    client.send(auth(failure));
                    if (failure.equals("stall")) {
                        client.send(ClientCommands.ping(2));
                        assertTrue(client.awaitContaining("\"id\":2").contains("authentication in progress"));
                        witness.send(ClientCommands.ping(7));
                        witness.awaitContaining("{\"type\":\"ok\",\"id\":7}");
                    }
                    String push = client.awaitContaining("\"type\":\"disconnect\"");
                    assertTrue(push.startsWith(DISCONNECT_BACKEND_UNAVAILABLE), failure + ": " + push);
                    long delay = Long.parseLong(push.substring(DISCONNECT_BACKEND_UNAVAILABLE.length(),
                            push.length() - 1));
                    assertTrue(delay >= 1000 && delay <= 2000, failure + ": " + delay);
                    assertEquals(new WsTestClient.Close(4007, "backend_unavailable"), client.awaitClose());
                }
                witness.send(ClientCommands.ping(8));
                witness.awaitContaining("{\"type\":\"ok\",\"id\":8}");
            }
        }
        assertTrue(count("connect", "timeout") >= 1);
        assertTrue(count("connect", "invalid") >= 3);
        assertTrue(count("connect", "bad_status") >= 1);
        assertTrue(count("connect", "too_large") >= 1);
    }

    @Test
    void theSubscribeHookDecidesInPlaceOfTheClaims() throws Exception {
        try (WsTestClient client = connected("sub-user"); WsTestClient witness = connected("witness-sub")) {
            client.send(ClientCommands.subscribe(2, "hooked:yes"));
            client.awaitContaining("{\"type\":\"ok\",\"id\":2}");
            assertTrue(request(r -> r.path().equals("/subscribe") && r.body().contains("hooked:yes")).body()
                    .matches("\\{\"node\":\"hooks-node\",\"session\":\"hooks-node-[0-9a-z]+\",\"user\":\"sub-user\","
                            + "\"topic\":\"hooked:yes\"}"));
            client.send(ClientCommands.subscribe(3, "hooked:no"));
            client.awaitContaining(
                    "{\"type\":\"error\",\"id\":3,\"code\":\"refused\",\"appCode\":1403,\"message\":\"members only\"}");
            // A subscribe that waits holds its topic: a second one is already_subscribed; the session goes on.
            client.send(ClientCommands.subscribe(4, "hooked:slow"));
            client.send(ClientCommands.subscribe(5, "hooked:slow"));
            assertTrue(client.awaitContaining("\"id\":5").contains("already_subscribed"));
            client.send(ClientCommands.ping(6));
            client.awaitContaining("{\"type\":\"ok\",\"id\":6}");
            witness.send(ClientCommands.ping(7));
            witness.awaitContaining("{\"type\":\"ok\",\"id\":7}");
            assertEquals("{\"type\":\"error\",\"id\":4,\"code\":\"unavailable\",\"message\":\"backend timed out, "
                    + "retry later\"}", client.awaitContaining("\"id\":4"));
            // Refused and failed subscribes leave no topic behind.
            client.send(ClientCommands.subscribe(8, "hooked:slow"));
            assertTrue(client.awaitContaining("\"id\":8").contains("unavailable"));
        }
    }

    @Test
    void anUnsubscribeWhileTheHookIsAskedDropsTheTopicAndTheLateYesIsNotKept() throws Exception {
        try (WsTestClient client = connected("gated-user"); WsTestClient publisher = connected("gated-publisher")) {
            client.send(ClientCommands.subscribe(2, "hooked:gated"));
            request(r -> r.path().equals("/subscribe") && r.body().contains("hooked:gated"));
            client.send(ClientCommands.unsubscribe(3, "hooked:gated"));
            client.awaitContaining("{\"type\":\"ok\",\"id\":3}");
            gate.countDown();
            assertEquals("{\"type\":\"error\",\"id\":2,\"code\":\"not_subscribed\",\"message\":\"unsubscribed "
                    + "before the subscribe completed\"}", client.awaitContaining("\"id\":2"));
            // Not subscribed: a publication to the topic does not reach it, one to a topic it then takes does.
            publisher.send(ClientCommands.publish(2, "hooked:gated", "{\"n\":1}"));
            publisher.awaitContaining("{\"type\":\"ok\",\"id\":2}");
            client.send(ClientCommands.subscribe(4, "hooked:after"));
            client.awaitContaining("{\"type\":\"ok\",\"id\":4}");
            publisher.send(ClientCommands.publish(3, "hooked:after", "{\"n\":2}"));
            String next = client.awaitContaining("\"type\":\"message\"");
            assertEquals("{\"type\":\"message\",\"topic\":\"hooked:after\",\"data\":{\"n\":2}}", next);
        }
    }

    @Test
    void thePublishHookMayRefuseOrReplaceTheData() throws Exception {
        try (WsTestClient publisher = connected("pub-user"); WsTestClient reader = connected("reader")) {
            reader.send(ClientCommands.subscribe(2, "hooked:rewrite"));
            reader.awaitContaining("{\"type\":\"ok\",\"id\":2}");
            publisher.send(ClientCommands.publish(2, "hooked:rewrite", "{\"text\":\"HELLO\"}"));
            publisher.awaitContaining("{\"type\":\"ok\",\"id\":2}");
            reader.awaitContaining("{\"type\":\"message\",\"topic\":\"hooked:rewrite\",\"data\":{\"clean\":true}}");
            publisher.send(ClientCommands.publish(3, "hooked:block", "{\"text\":\"HELLO\"}"));
            publisher.awaitContaining(
                    "{\"type\":\"error\",\"id\":3,\"code\":\"refused\",\"appCode\":1400,\"message\":\"no shouting\"}");
        }
    }

    @Test
    void rpcIsAnsweredByTheBackendOrIsNotAvailable() throws Exception {
        try (WsTestClient client = connected("rpc-user")) {
            client.send(ClientCommands.rpc(2, "calc:add", "{\"a\":1,\"b\":2}"));
            client.awaitContaining("{\"type\":\"ok\",\"id\":2,\"data\":{\"sum\":3}}");
            assertEquals("{\"node\":\"hooks-node\",\"session\":\"" + sessionOf(client) + "\",\"user\":\"rpc-user\","
                    + "\"method\":\"calc:add\",\"data\":{\"a\":1,\"b\":2}}",
                    request(r -> r.body().contains("calc:add")).body());
            client.send(ClientCommands.rpc(3, "calc:empty", null));
            client.awaitContaining("{\"type\":\"ok\",\"id\":3}");
            client.send(ClientCommands.rpc(4, "calc:deny", null));
            client.awaitContaining(
                    "{\"type\":\"error\",\"id\":4,\"code\":\"refused\",\"appCode\":1002,\"message\":\"not today\"}");
            client.send(ClientCommands.rpc(5, "other:thing", null));
            client.awaitContaining("{\"type\":\"error\",\"id\":5,\"code\":\"not_available\",\"message\":\"rpc is not "
                    + "available for this method\"}");
            client.send(ClientCommands.rpc(6, "gone:thing", null));
            client.awaitContaining("{\"type\":\"error\",\"id\":6,\"code\":\"unavailable\",\"message\":\"backend "
                    + "unavailable, retry later\"}");
            client.send(ClientCommands.rpc(7, "calc:kick", null));
            assertEquals("{\"type\":\"disconnect\",\"code\":4200,\"reason\":\"kicked\",\"reconnect\":true}",
                    client.awaitContaining("\"type\":\"disconnect\""));
            assertEquals(new WsTestClient.Close(4200, "kicked"), client.awaitClose());
        }
        try (WsTestClient client = connected("rpc-poser")) {
            client.send(ClientCommands.rpc(2, "calc:pose", null));
            assertEquals(new WsTestClient.Close(4008, "backend_disconnect"), client.awaitClose());
        }
    }

    @Test
    void theBulkheadsBoundWhatReachesTheBackendAndFailFast() throws Exception {
        try (WsTestClient witness = connected("witness-bulkhead")) {
            List<WsTestClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    clients.add(connected("busy-" + i));
                }
                // One session: its third call in flight is refused at once (proxy.maxInFlightPerSession=2).
                WsTestClient first = clients.get(0);
                first.send(ClientCommands.rpc(2, "calc:stall", null));
                first.send(ClientCommands.rpc(3, "calc:stall", null));
                first.send(ClientCommands.rpc(4, "calc:stall", null));
                assertEquals("{\"type\":\"error\",\"id\":4,\"code\":\"unavailable\",\"message\":\"backend busy, retry "
                        + "later\"}", first.awaitContaining("\"id\":4"));
                // The node: 8 calls, 6 in flight at most (proxy.maxInFlight=6), two refused at once.
                for (WsTestClient client : clients.subList(1, 4)) {
                    client.send(ClientCommands.rpc(2, "calc:stall", null));
                    client.send(ClientCommands.rpc(3, "calc:stall", null));
                }
                witness.send(ClientCommands.ping(9));
                witness.awaitContaining("{\"type\":\"ok\",\"id\":9}");
                int busy = 0;
                int timedOut = 0;
                for (WsTestClient client : clients) {
                    for (String id : List.of("2", "3")) {
                        String reply = client.awaitContaining("\"id\":" + id + ",");
                        busy += reply.contains("backend busy") ? 1 : 0;
                        timedOut += reply.contains("backend timed out") ? 1 : 0;
                    }
                }
                assertEquals(2, busy);
                assertEquals(6, timedOut);
                // No test before stalls an rpc: the peak of /rpc is this test's.
                assertEquals(6, backend.peakInFlight("/rpc"));
            } finally {
                clients.forEach(WsTestClient::close);
            }
        }
        assertTrue(count("rpc", "busy") >= 3);
    }

    @Test
    void theRefreshHookRenewsOrEndsConnectHookSessionsWithNoToken() throws Exception {
        try (WsTestClient keep = connected("keep"); WsTestClient drop = connected("drop");
             WsTestClient flaky = connected("flaky"); WsTestClient kicked = connected("refresh-kick")) {
            assertEquals(new WsTestClient.Close(4505, "backend_refused"), drop.awaitClose());
            assertEquals(new WsTestClient.Close(4601, "logged_out"), kicked.awaitClose());
            assertNotNull(request(r -> r.path().equals("/refresh") && r.body().contains("\"user\":\"keep\"")));
            // The backend failed flaky's refresh (and its retry): its session ends at exp + grace, as a token's would.
            assertEquals(new WsTestClient.Close(4004, "token_expired"), flaky.awaitClose());
            keep.send(ClientCommands.ping(2));
            keep.awaitContaining("{\"type\":\"ok\",\"id\":2}");
            assertFalse(keep.isClosed());
        }
    }

    private static WsTestClient connected(String user) throws Exception {
        WsTestClient client = WsTestClient.connect(uri());
        client.send(auth(user));
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
        return client;
    }

    private static String sessionOf(WsTestClient client) throws InterruptedException {
        String welcome = client.awaitContaining("\"type\":\"welcome\"");
        Matcher session = Pattern.compile("\"session\":\"([^\"]+)\"").matcher(welcome);
        assertTrue(session.find(), welcome);
        return session.group(1);
    }

    private static String auth(String as) {
        return ClientCommands.encode(new Command.Auth(CommandId.of(1), null,
                RawJson.trusted("{\"as\":\"" + as + "\"}")));
    }

    private static TestBackend.Request request(Predicate<TestBackend.Request> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WsTestClient.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            TestBackend.Request next = backend.requests().poll(100, TimeUnit.MILLISECONDS);
            if (next != null && wanted.test(next)) {
                return next;
            }
        }
        throw new AssertionError("no such request reached the backend");
    }

    private static long count(String hook, String outcome) {
        var timer = meters.find("crier.proxy.calls").tags("hook", hook, "outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private static URI uri() {
        return URI.create("ws://127.0.0.1:" + node.port() + "/ws");
    }
}
