package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.ConfigLoader;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.WsTestClient;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token expiry, refresh, anonymous sessions and namespace permissions against one real node with short
 * expiry settings ({@code auth.expiryWarning=2s}, {@code auth.expiryGrace=1s}, from the environment) and
 * namespaces from a config file. Each test uses its own users and topics.
 */
class TokenLifetimeIT {

    private static final byte[] SECRET = TestTokens.secret();

    @TempDir
    static Path dir;

    private static GatewayServer node;

    @BeforeAll
    static void startNode() throws Exception {
        Path file = dir.resolve("crier.properties");
        Files.writeString(file, String.join("\n",
                "namespace.itnews.anonymousSubscribe=true",
                "namespace.itnews.clientPublish=false",
                "namespace.ituser.personal=true",
                ""), StandardCharsets.UTF_8);
        Map<String, String> env = Map.of(
                "CRIER_SERVER_PORT", "0",
                "CRIER_NODE_ID", "lifetime-node",
                "CRIER_AUTH_HMAC_SECRET", new String(SECRET, StandardCharsets.UTF_8),
                "CRIER_AUTH_EXPIRY_WARNING", "2s",
                "CRIER_AUTH_EXPIRY_GRACE", "1s",
                "CRIER_AUTH_ALLOW_ANONYMOUS", "true");
        node = GatewayServer.start(new ConfigLoader().load(file, env));
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @Test
    void aRefreshedSessionOutlivesItsFirstTokenWhileOneThatDoesNotRefreshIsClosedWith4004() throws Exception {
        Instant base = Instant.now();
        List<String> topics = List.of("it-expiry:*");
        String first = TestTokens.hs256At(SECRET, base, "expiry-a", topics, topics, Duration.ofSeconds(5));
        // The witness expires one second later, so its close proves the refreshed session's old deadline passed.
        String witnessToken = TestTokens.hs256At(SECRET, base, "expiry-b", topics, topics, Duration.ofSeconds(6));
        try (WsTestClient refreshing = authenticated(first);
             WsTestClient witness = authenticated(witnessToken)) {
            refreshing.send(ClientCommands.subscribe(2, "it-expiry:room"));
            refreshing.awaitContaining("{\"type\":\"ok\",\"id\":2}");

            String expiring = refreshing.awaitContaining("\"type\":\"expiring\"");
            assertTrue(expiring.matches("\\{\"type\":\"expiring\",\"in\":[0-2]}"), expiring);
            String renewed = TestTokens.hs256(SECRET, "expiry-a", topics, topics, Duration.ofMinutes(5));
            refreshing.send(ClientCommands.encode(new Command.Refresh(CommandId.ofString("r1"), renewed)));
            refreshing.awaitContaining("{\"type\":\"ok\",\"id\":\"r1\"}");

            witness.awaitContaining("\"type\":\"expiring\"");
            witness.awaitContaining(
                    "{\"type\":\"disconnect\",\"code\":4004,\"reason\":\"token_expired\",\"reconnect\":true}");
            assertEquals(new WsTestClient.Close(4004, "token_expired"), witness.awaitClose());

            refreshing.send(
                    ClientCommands.publish(3, "it-expiry:room", "{\"after\":\"exp\"}"));
            refreshing.awaitContaining(
                    "{\"type\":\"message\",\"topic\":\"it-expiry:room\",\"data\":{\"after\":\"exp\"}}");
            refreshing.awaitContaining("{\"type\":\"ok\",\"id\":3}");
            assertFalse(refreshing.isClosed());
        }
    }

    @Test
    void aSessionWhoseTokenExpiresCenturiesAheadStaysConnectedReceivesAndRefreshes() throws Exception {
        List<String> topics = List.of("it-far:*");
        // The witness's token expires in 2 s: its 4004 close shows that an ordinary token's lifetime went by.
        String witnessToken = TestTokens.hs256(SECRET, "far-witness", topics, topics, Duration.ofSeconds(2));
        try (WsTestClient service = authenticated(farToken("far-service"));
             WsTestClient witness = authenticated(witnessToken)) {
            service.send(ClientCommands.subscribe(2, "it-far:feed"));
            service.awaitContaining("{\"type\":\"ok\",\"id\":2}");
            service.send(ClientCommands.encode(new Command.Refresh(CommandId.ofString("r1"), farToken("far-service"))));
            service.awaitContaining("{\"type\":\"ok\",\"id\":\"r1\"}");

            assertEquals(new WsTestClient.Close(4004, "token_expired"), witness.awaitClose());
            try (WsTestClient publisher = authenticated(TestTokens.hs256(SECRET, "far-publisher", topics, topics,
                    Duration.ofMinutes(5)))) {
                publisher.send(ClientCommands.publish(2, "it-far:feed", "{\"n\":1}"));
                publisher.awaitContaining("{\"type\":\"ok\",\"id\":2}");
            }
            service.awaitContaining("{\"type\":\"message\",\"topic\":\"it-far:feed\",\"data\":{\"n\":1}}");
            service.send(ClientCommands.ping(3));
            service.awaitContaining("{\"type\":\"ok\",\"id\":3}");
            assertFalse(service.isClosed());
        }
    }

    @Test
    void aRefreshWithAnotherUsersTokenIsRefusedAndTheSessionStillExpires() throws Exception {
        List<String> topics = List.of("it-refused:*");
        String first = TestTokens.hs256(SECRET, "refused-a", topics, topics, Duration.ofSeconds(3));
        try (WsTestClient client = authenticated(first)) {
            String other = TestTokens.hs256(SECRET, "refused-b", topics, topics, Duration.ofMinutes(5));
            client.send(ClientCommands.refresh(2, other));
            assertTrue(client.awaitContaining("\"id\":2").startsWith(
                    "{\"type\":\"error\",\"id\":2,\"code\":\"invalid_token\""));

            assertEquals(new WsTestClient.Close(4004, "token_expired"), client.awaitClose());
        }
    }

    @Test
    void anAnonymousSessionSubscribesOnlyWhereAllowedAndNeverPublishes() throws Exception {
        try (WsTestClient client = WsTestClient.connect(URI.create(node.webSocketUrl()))) {
            client.send(ClientCommands.anonymousAuth(1));
            assertTrue(client.awaitContaining("\"type\":\"welcome\"").contains("\"user\":\"\""));
            client.awaitContaining("{\"type\":\"ok\",\"id\":1}");

            client.send(ClientCommands.subscribe(2, "itnews:anon"));
            client.awaitContaining("{\"type\":\"ok\",\"id\":2}");
            client.send(ClientCommands.subscribe(3, "it-anon:room"));
            assertForbidden(client, 3);
            client.send(ClientCommands.publish(4, "it-anon:room", "1"));
            assertForbidden(client, 4);
            assertFalse(client.isClosed());
        }
    }

    @Test
    void personalTopicsAreTheirOwnersOnlyAndClientPublishOffStopsEveryClient() throws Exception {
        List<String> everything = List.of("*");
        try (WsTestClient carol = authenticated(TestTokens.hs256(SECRET, "carol", List.of(), everything,
                Duration.ofMinutes(5)));
             WsTestClient mallory = authenticated(TestTokens.hs256(SECRET, "mallory", everything, everything,
                     Duration.ofMinutes(5)))) {
            carol.send(ClientCommands.subscribe(2, "ituser:carol"));
            carol.awaitContaining("{\"type\":\"ok\",\"id\":2}");
            mallory.send(ClientCommands.subscribe(2, "ituser:carol"));
            assertForbidden(mallory, 2);
            mallory.send(ClientCommands.publish(3, "ituser:carol", "1"));
            assertForbidden(mallory, 3);
            mallory.send(ClientCommands.publish(4, "itnews:flash", "1"));
            assertForbidden(mallory, 4);

            carol.send(ClientCommands.publish(3, "ituser:carol", "{\"note\":\"self\"}"));
            carol.awaitContaining("{\"type\":\"message\",\"topic\":\"ituser:carol\",\"data\":{\"note\":\"self\"}}");
            carol.awaitContaining("{\"type\":\"ok\",\"id\":3}");
        }
    }

    /**
     * A token of {@code user} for every {@code it-far:} topic whose {@code exp} is 12000000000 (the year 2350):
     * a "never-expiring" service token, further ahead than a delay in nanoseconds can reach.
     */
    private static String farToken(String user) {
        return TestTokens.hs256Payload(SECRET, "{\"sub\":\"" + user + "\",\"exp\":12000000000,"
                + "\"subscribe\":[\"it-far:*\"],\"publish\":[\"it-far:*\"]}");
    }

    private static void assertForbidden(WsTestClient client, int id) throws InterruptedException {
        String reply = client.awaitContaining("\"id\":" + id + ",");
        assertTrue(reply.startsWith("{\"type\":\"error\",\"id\":" + id + ",\"code\":\"forbidden\""), reply);
    }

    private static WsTestClient authenticated(String token) throws Exception {
        WsTestClient client = WsTestClient.connect(URI.create(node.webSocketUrl()));
        client.send(ClientCommands.auth(1, token));
        client.awaitContaining("\"type\":\"welcome\"");
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
        return client;
    }
}
