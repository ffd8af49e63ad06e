package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.TestFleet;
import io.crier.gateway.support.WsTestClient;
import io.crier.protocol.ClientCommands;
import io.crier.protocol.Position;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Server-side subscriptions on a real node and a real {@code redis-server}: the token's {@code topics} and the
 * personal namespace's {@code autoSubscribe} at connect, recovery from the auth's {@code since}, the refusals (too
 * many topics, a bad claim, a bad {@code since}), and a broker that is down.
 */
class ServerSubscriptionsIT {

    private static final String SECRET = "server-subs-it-secret-of-at-least-32-bytes";
    private static final Pattern EPOCH = Pattern.compile("\"epoch\":\"([^\"]+)\"");

    private static RedisServerProcess redis;
    private static TestFleet fleet;
    private static Path config;

    @BeforeAll
    static void startNode() throws IOException {
        redis = RedisServerProcess.start();
        config = Files.createTempFile("server-subs-it-", ".properties");
        Files.writeString(config, "namespace.user.personal=true\nnamespace.user.autoSubscribe=true\n"
                + "namespace.hist.historySize=100\nnamespace.hist.historyTtl=10m\n", StandardCharsets.UTF_8);
        fleet = TestFleet.start(redis, 1, config, env(redis));
    }

    @AfterAll
    static void stopNode() throws IOException {
        if (fleet != null) {
            fleet.close();
        }
        Files.deleteIfExists(config);
    }

    private static Map<String, String> env(RedisServerProcess on) {
        Map<String, String> env = TestFleet.env(SECRET, on);
        env.put("CRIER_SESSION_MAX_TOPICS", "3");
        return env;
    }

    @Test
    void theTokenTopicsAndTheOwnPersonalTopicAreSubscribedAtConnectAndDeliver() throws Exception {
        try (WsTestClient ann = connect(fleet.node(0)); WsTestClient publisher = connect(fleet.node(0))) {
            ann.send(ClientCommands.auth(1, token("ann", "\"orders:42\"")));
            assertTrue(ann.next().startsWith("{\"type\":\"welcome\""));
            assertEquals("{\"type\":\"ok\",\"id\":1}", ann.next(), "the auth reply comes before the pushes");
            assertEquals(Set.of("{\"type\":\"subscribed\",\"topic\":\"orders:42\"}",
                    "{\"type\":\"subscribed\",\"topic\":\"user:ann\"}"), Set.of(ann.next(), ann.next()));

            authenticate(publisher, token("pub", null));
            publisher.send(ClientCommands.publish(2, "orders:42", "{\"n\":1}"));
            publisher.awaitContaining("\"id\":2");
            assertEquals("{\"type\":\"message\",\"topic\":\"orders:42\",\"data\":{\"n\":1}}", ann.next());

            ann.send(ClientCommands.subscribe(3, "orders:42"));
            assertTrue(ann.next().contains("\"code\":\"forbidden\""), "a client subscribe still needs its claim");
        }
    }

    @Test
    void aServerSideTopicWithHistoryRecoversFromTheAuthSinceInOrder() throws Exception {
        publish("hist:rex", 1, 1);
        String epoch;
        try (WsTestClient first = connect(fleet.node(0))) {
            first.send(ClientCommands.auth(1, token("rex", "\"hist:rex\"")));
            String pushed = first.awaitContaining("\"topic\":\"hist:rex\"");
            assertTrue(pushed.startsWith("{\"type\":\"subscribed\",\"topic\":\"hist:rex\",\"recovered\":false,"
                    + "\"offset\":1,"), pushed);
            epoch = epoch(pushed);
        }
        publish("hist:rex", 2, 3);
        try (WsTestClient back = connect(fleet.node(0))) {
            back.send(ClientCommands.auth(1, token("rex", "\"hist:rex\""),
                    Map.of("hist:rex", new Position(1, epoch), "other", new Position(5, "x"))));
            assertTrue(back.next().startsWith("{\"type\":\"welcome\""));
            assertEquals("{\"type\":\"ok\",\"id\":1}", back.next());
            List<String> frames = new ArrayList<>();
            while (frames.size() < 3) {
                String frame = back.next();
                if (frame.contains("\"topic\":\"hist:rex\"")) {
                    frames.add(frame);
                }
            }
            String position = "\"epoch\":\"" + epoch + "\"";
            assertEquals(List.of("{\"type\":\"subscribed\",\"topic\":\"hist:rex\",\"recovered\":true,\"offset\":3,"
                    + position + "}",
                    "{\"type\":\"message\",\"topic\":\"hist:rex\",\"offset\":2," + position + ",\"data\":2}",
                    "{\"type\":\"message\",\"topic\":\"hist:rex\",\"offset\":3," + position + ",\"data\":3}"),
                    frames, "the missed publications follow the push, in order");
        }
    }

    @Test
    void moreServerSideTopicsThanTheSessionLimitOrAnInvalidClaimCloses4500() throws Exception {
        // Three listed plus the personal topic: one more than session.maxTopics.
        assertClosedWith(4500, token("many", "\"a:1\",\"a:2\",\"a:3\""));
        assertClosedWith(4500, token("bad", "\"not a topic\""));
        assertClosedWith(4500, TestTokens.hs256Payload(SECRET.getBytes(StandardCharsets.UTF_8),
                "{\"sub\":\"odd\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + ",\"topics\":\"a:1\"}"));
    }

    @Test
    void aMalformedSinceIsAnErrorReplyAndTheSocketStaysOpen() throws Exception {
        try (WsTestClient client = connect(fleet.node(0))) {
            client.send("{\"type\":\"auth\",\"id\":1,\"token\":\"x\",\"since\":{\"a\":{\"offset\":1,\"epoch\":\"e\"},"
                    + "\"a\":{\"offset\":2,\"epoch\":\"e\"}}}");
            assertEquals("{\"type\":\"error\",\"id\":1,\"code\":\"invalid_field\",\"message\":\"duplicate field name\"}",
                    client.next());
            authenticate(client, token("ok", null));
        }
    }

    @Test
    void aSessionWhoseServerSideSubscribeFailsIsClosed4003NotLeftHalfSubscribed() throws Exception {
        RedisServerProcess own = RedisServerProcess.start();
        try (TestFleet alone = TestFleet.start(own, 1, config, env(own))) {
            own.kill();
            try (WsTestClient client = connect(alone.node(0))) {
                client.send(ClientCommands.auth(1, token("dora", "\"orders:9\"")));
                client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
                String disconnect = client.awaitContaining("\"type\":\"disconnect\"");
                assertTrue(disconnect.startsWith("{\"type\":\"disconnect\",\"code\":4003,"), disconnect);
                assertEquals(4003, client.awaitClose().code());
            }
        }
    }

    /** Publishes the numbers {@code from..to} to {@code topic}, each acknowledged before the next. */
    private static void publish(String topic, int from, int to) throws Exception {
        try (WsTestClient publisher = connect(fleet.node(0))) {
            authenticate(publisher, token("pub", null));
            for (int i = from; i <= to; i++) {
                publisher.send(ClientCommands.publish(10 + i, topic, Integer.toString(i)));
                publisher.awaitContaining("\"id\":" + (10 + i));
            }
        }
    }

    private static void assertClosedWith(int code, String token) throws Exception {
        try (WsTestClient client = connect(fleet.node(0))) {
            client.send(ClientCommands.auth(1, token));
            assertEquals(code, client.awaitClose().code());
        }
    }

    /** A token for {@code sub} with these {@code topics} (a JSON array's inside), or none when null. */
    private static String token(String sub, String topics) {
        String claim = topics == null ? "" : ",\"topics\":[" + topics + "]";
        return TestTokens.hs256Payload(SECRET.getBytes(StandardCharsets.UTF_8), "{\"sub\":\"" + sub
                + "\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + ",\"publish\":[\"*\"]" + claim + "}");
    }

    private static void authenticate(WsTestClient client, String token) throws Exception {
        client.send(ClientCommands.auth(1, token));
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
    }

    private static WsTestClient connect(GatewayServer node) throws Exception {
        return WsTestClient.connect(URI.create("ws://127.0.0.1:" + node.port() + "/ws"));
    }

    private static String epoch(String frame) {
        Matcher matcher = EPOCH.matcher(frame);
        assertTrue(matcher.find(), frame);
        return matcher.group(1);
    }
}
