package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.TestFleet;
import io.crier.gateway.support.WsTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP publish API on real parts: a {@code redis-server} child process and two nodes; a backend posts to
 * node 1 and WebSocket subscribers on node 2 receive the publications, with the offsets the API answered.
 * Topics of namespace {@code plain} keep no history; every other topic keeps 100 publications.
 */
class PublishApiIT {

    private static final String SECRET = "publish-api-it-secret-of-at-least-32-bytes";
    private static final String API_KEY = "publish-api-it-key-of-at-least-32-bytes!";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern POSITION = Pattern.compile("\"offset\":(\\d+),\"epoch\":\"([^\"]+)\"");

    private static TestFleet fleet;
    private static RedisServerProcess redis;
    private static Path configFile;
    private static GatewayServer node1;
    private static GatewayServer node2;

    @BeforeAll
    static void startFleet() throws Exception {
        redis = RedisServerProcess.start();
        configFile = Files.createTempFile("crier-api-it-", ".properties");
        Files.writeString(configFile, "namespace.plain.historySize=0\n");
        Map<String, String> env = TestFleet.env(SECRET, redis);
        env.put("CRIER_API_KEY", API_KEY);
        env.put("CRIER_NAMESPACES_DEFAULT_HISTORY_SIZE", "100");
        fleet = TestFleet.start(redis, 2, configFile, env);
        node1 = fleet.node(0);
        node2 = fleet.node(1);
    }

    @AfterAll
    static void stopFleet() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        Files.deleteIfExists(configFile);
    }

    @Test
    void aPublicationPostedToOneNodeReachesASubscriberOnAnotherWithTheAnsweredOffset() throws Exception {
        String topic = "api-it:cross-node";
        try (WsTestClient subscriber = subscribed(node2, topic)) {
            HttpResponse<String> response = post(node1, "{\"topic\":\"" + topic + "\",\"data\":{\"headline\":\"hi\"}}");
            assertEquals(200, response.statusCode(), response.body());
            Matcher position = POSITION.matcher(response.body());
            assertTrue(position.find(), response.body());
            assertEquals("1", position.group(1));
            assertEquals("{\"type\":\"message\",\"topic\":\"" + topic + "\",\"offset\":1,\"epoch\":\"" + position.group(2)
                    + "\",\"data\":{\"headline\":\"hi\"}}", subscriber.awaitContaining("\"type\":\"message\""));
        }
    }

    @Test
    void aTopicWithoutHistoryAnswersAnEmptyObjectAndItsMessageHasNoPosition() throws Exception {
        String topic = "plain:api-it";
        try (WsTestClient subscriber = subscribed(node2, topic)) {
            HttpResponse<String> response = post(node1, "{\"topic\":\"" + topic + "\",\"data\":[1,2]}");
            assertEquals(200, response.statusCode());
            assertEquals("{}", response.body());
            assertEquals("{\"type\":\"message\",\"topic\":\"" + topic + "\",\"data\":[1,2]}",
                    subscriber.awaitContaining("\"type\":\"message\""));
        }
    }

    @Test
    void aBatchIsPublishedInOrderAndAnsweredInOrder() throws Exception {
        String topic = "api-it:batch";
        int count = 50; // with the 50 of plain:api-it-batch, exactly api.maxBatch (100)
        try (WsTestClient subscriber = subscribed(node2, topic)) {
            StringBuilder body = new StringBuilder("{\"publications\":[");
            for (int i = 1; i <= count; i++) {
                body.append(i == 1 ? "" : ",").append("{\"topic\":\"").append(topic).append("\",\"data\":").append(i)
                        .append("},{\"topic\":\"plain:api-it-batch\",\"data\":").append(i).append('}');
            }
            HttpResponse<String> response = post(node1, body.append("]}").toString());
            assertEquals(200, response.statusCode(), response.body());
            List<Long> answered = new ArrayList<>();
            for (Matcher m = POSITION.matcher(response.body()); m.find(); ) {
                answered.add(Long.parseLong(m.group(1)));
            }
            List<Long> expected = LongStream.rangeClosed(1, count).boxed().toList();
            assertEquals(expected, answered);
            for (int i = 1; i <= count; i++) {
                String message = subscriber.awaitContaining("\"type\":\"message\"");
                assertTrue(message.contains("\"offset\":" + i + ",") && message.endsWith("\"data\":" + i + "}"), message);
            }
        }
    }

    @Test
    void answers503WithRetryAfterWhileRedisIsDownAndPublishesAgainOnceItIsBack() throws Exception {
        redis.kill();
        try {
            TestFleet.awaitReady(node1, 503);
            HttpResponse<String> down = post(node1, "{\"topic\":\"api-it:outage\",\"data\":1}");
            assertEquals(503, down.statusCode(), down.body());
            assertEquals("1", down.headers().firstValue("retry-after").orElse(""));
            assertTrue(down.body().startsWith("{\"error\":{\"code\":\"unavailable\""), down.body());
        } finally {
            redis.restart();
        }
        TestFleet.awaitReady(node1, 200);
        await("the API publishes again").atMost(Duration.ofSeconds(15)).until(
                () -> post(node1, "{\"topic\":\"api-it:outage\",\"data\":2}").statusCode() == 200);
    }

    @Test
    void refusesAWrongKeyWith401() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node1.baseUrl() + "/api/v1/publish"))
                .header("Authorization", "Bearer " + API_KEY.toUpperCase())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"api-it:x\",\"data\":1}")).build();
        assertEquals(401, HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private static HttpResponse<String> post(GatewayServer node, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/v1/publish"))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + API_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static WsTestClient subscribed(GatewayServer node, String topic) throws Exception {
        String token = TestTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), "sub", List.of("*"), List.of(),
                Duration.ofMinutes(5));
        WsTestClient client = WsTestClient.connect(URI.create(node.webSocketUrl()));
        client.send(ClientCommands.auth(1, token));
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
        client.send(ClientCommands.subscribe(2, topic));
        String reply = client.awaitContaining("\"id\":2");
        assertTrue(reply.startsWith("{\"type\":\"ok\""), reply);
        return client;
    }
}
