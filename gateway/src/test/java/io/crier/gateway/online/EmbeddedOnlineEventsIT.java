package io.crier.gateway.online;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.GatewayServer;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.support.WsTestClient;
import io.crier.protocol.ClientCommands;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The online/offline events of an embedded node (no Redis): kept in its memory and read through
 * {@code GET /api/v1/events}, with a 300ms grace and a 100ms sweep; an anonymous session makes none.
 */
class EmbeddedOnlineEventsIT {

    private static final String SECRET = "embedded-online-events-secret-32-bytes!";
    private static final String ADMIN_KEY = "embedded-online-events-admin-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final GatewayServer node = GatewayServer.start(new ConfigLoader().load(null, Map.of(
            "CRIER_NODE_ID", "embedded-1", "CRIER_SERVER_PORT", "0", "CRIER_AUTH_HMAC_SECRET", SECRET,
            "CRIER_AUTH_ALLOW_ANONYMOUS", "true", "CRIER_ADMIN_KEY", ADMIN_KEY, "CRIER_EVENTS_ENABLED", "true",
            "CRIER_EVENTS_GRACE", "300ms", "CRIER_EVENTS_SWEEP_INTERVAL", "100ms", "CRIER_DRAIN_WINDOW", "0s")));

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aUsersSessionsMakeOneOnlineAndOneOfflineReadOverHttp() throws Exception {
        WsTestClient anonymous = connect(null);
        WsTestClient first = connect("alice");
        WsTestClient second = connect("alice");
        await().atMost(Duration.ofSeconds(5)).until(() -> events().contains("\"user\":\"alice\""));

        first.close();
        second.close();
        anonymous.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> events().contains("\"type\":\"offline\""));
        String page = events();
        assertTrue(page.matches("\\{\"events\":\\[\\{\"id\":\"\\d+-0\",\"user\":\"alice\",\"type\":\"online\",\"seq\":1,"
                + "\"ts\":\\d+,\"node\":\"embedded-1\"},\\{\"id\":\"\\d+-\\d+\",\"user\":\"alice\",\"type\":\"offline\","
                + "\"seq\":2,\"ts\":\\d+,\"node\":\"embedded-1\"}],\"next\":\"\\d+-\\d+\"}"), page);
    }

    @Test
    void theRouteWantsTheAdminKey() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create(node.baseUrl() + "/api/v1/events")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(401, response.statusCode());
    }

    private String events() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/v1/events"))
                .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** An authenticated client of {@code user}, or an anonymous one when {@code null}. */
    private WsTestClient connect(String user) throws Exception {
        WsTestClient client = WsTestClient.connect(URI.create(node.webSocketUrl()));
        if (user == null) {
            client.send(ClientCommands.anonymousAuth(1));
        } else {
            long exp = Instant.now().plus(Duration.ofMinutes(5)).getEpochSecond();
            client.send(ClientCommands.auth(1, TestTokens.hs256Payload(SECRET.getBytes(StandardCharsets.UTF_8),
                    "{\"sub\":\"" + user + "\",\"exp\":" + exp + "}")));
        }
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
        return client;
    }
}
