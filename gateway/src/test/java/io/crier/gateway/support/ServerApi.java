package io.crier.gateway.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.protocol.ClientCommands;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * A backend of the tests: calls a node's server API ({@code POST /api/v1/<action>} with the API key) and mints the
 * tokens its users connect with (HS256, with {@code jti} and {@code iat}). Thread-safe.
 */
public final class ServerApi {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String apiKey;
    private final byte[] secret;

    /** @param apiKey the nodes' {@code api.key}; {@code secret} their {@code auth.hmacSecret} */
    public ServerApi(String apiKey, String secret) {
        this.apiKey = apiKey;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** Posts {@code json} to {@code baseUrl + /api/v1/ + action} and returns the response. */
    public HttpResponse<String> post(String baseUrl, String action, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/" + action))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Posts and asserts a 200; returns the body. */
    public String ok(String baseUrl, String action, String json) throws Exception {
        HttpResponse<String> response = post(baseUrl, action, json);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** A token of {@code user} with {@code jti} (none when null), issued at {@code issuedAt}, valid one hour. */
    public String token(String user, String jti, Instant issuedAt) {
        var builder = TestTokens.builder(issuedAt, user, Duration.ofHours(1));
        if (jti != null) {
            builder.withJWTId(jti);
        }
        return builder.sign(TestTokens.hmacSigner("HS256", secret));
    }

    /** Opens a session on {@code ws} with {@code token}, once the node welcomed it. */
    public static WsTestClient session(URI ws, String token) throws Exception {
        WsTestClient client = WsTestClient.connect(ws);
        client.send(ClientCommands.auth(1, token));
        String reply = client.awaitContaining("\"id\":1");
        assertTrue(reply.startsWith("{\"type\":\"ok\""), reply);
        return client;
    }

    /** Asserts that {@code token} is refused on {@code ws} with close {@code code}. */
    public static void refused(URI ws, String token, int code) throws Exception {
        try (WsTestClient client = WsTestClient.connect(ws)) {
            client.send(ClientCommands.auth(1, token));
            assertEquals(code, client.awaitClose().code());
        }
    }
}
