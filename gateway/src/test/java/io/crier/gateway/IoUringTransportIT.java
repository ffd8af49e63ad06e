package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.WsTestClient;
import io.crier.gateway.tls.TestCertificates;
import io.crier.protocol.ClientCommands;
import io.crier.protocol.CloseCode;
import io.netty.channel.uring.IoUring;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node from the real jar with {@code server.transport=io_uring}, its broker on a real {@code redis-server} (Lettuce
 * stays on epoll) and every kind of channel it makes: a plain and a TLS listener, WebSocket sessions on both that
 * authenticate, subscribe and receive publications fanned out from the broker's thread onto io_uring loops, the
 * HTTP publish API over TLS, the admin API in plain HTTP, and a close by the server. The node reports the transport it runs on in its
 * startup line; on a machine where io_uring does not load, the same test shows the fallback and its warning.
 */
class IoUringTransportIT {

    private static final String SECRET = "io-uring-transport-test-secret-of-32-bytes";
    private static final String API_KEY = "io-uring-transport-test-api-key-0123456789";
    private static final String ADMIN_KEY = "io-uring-transport-test-admin-key-0123456789";
    private static final Pattern TLS_LISTENER = Pattern.compile(" and https://127\\.0\\.0\\.1:(\\d+) \\((\\w+) transport");
    private static final TestCertificates.Issued CA = TestCertificates.authority("Crier io_uring test CA");
    private static final SSLContext TRUSTING_CA = TestCertificates.trusting(CA.certificate());

    @Test
    void sessionsOnBothListenersAndTheHttpApisWorkOnIoUringAndTheNodeSaysSo(@TempDir Path dir) throws Exception {
        TestCertificates.write(dir.resolve("chain.pem"), dir.resolve("key.pem"),
                TestCertificates.leaf(CA, "127.0.0.1", 1), CA);
        try (RedisServerProcess redis = RedisServerProcess.start(); GatewayProcess node = node(dir, redis)) {
            String log = Files.readString(node.log());
            Matcher listening = TLS_LISTENER.matcher(log);
            assertTrue(listening.find(), log);
            String expected = IoUring.isAvailable() ? "io_uring" : "epoll";
            assertEquals(expected, listening.group(2), "the startup line names the transport the node runs on");
            assertEquals(IoUring.isAvailable(), !log.contains("server.transport=io_uring but io_uring is not"
                    + " available ("), "a fallback is named, and only then: " + log);
            int tlsPort = Integer.parseInt(listening.group(1));

            try (WsTestClient plain = subscribed(WsTestClient.connect(node.wsUri()), "alice", "uring:news");
                 WsTestClient secure = subscribed(WsTestClient.connect(
                         URI.create("wss://127.0.0.1:" + tlsPort + "/ws"), TRUSTING_CA), "bob", "uring:news")) {
                HttpClient https = HttpClient.newBuilder().sslContext(TRUSTING_CA).build();
                HttpResponse<String> published = https.send(HttpRequest.newBuilder(
                                URI.create("https://127.0.0.1:" + tlsPort + "/api/v1/publish"))
                        .timeout(WsTestClient.WAIT)
                        .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"uring:news\",\"data\":{\"n\":1}}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, published.statusCode(), published.body());
                String message = "{\"type\":\"message\",\"topic\":\"uring:news\",\"data\":{\"n\":1}}";
                assertEquals(message, plain.awaitContaining("\"type\":\"message\""));
                assertEquals(message, secure.awaitContaining("\"type\":\"message\""));

                plain.send(ClientCommands.publish(3, "uring:news", "{\"n\":2}"));
                plain.awaitContaining("{\"type\":\"ok\",\"id\":3}");
                assertTrue(secure.awaitContaining("\"type\":\"message\"").contains("{\"n\":2}"));

                HttpResponse<String> nodes = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(node.baseUrl() + "/api/v1/nodes")).timeout(WsTestClient.WAIT)
                        .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, nodes.statusCode(), nodes.body());
                assertTrue(nodes.body().contains("\"uring-1\""), nodes.body());

                // A close by the server (through the Disconnector and the lingering close) reaches the client.
                plain.sendBinary(new byte[] {1, 2, 3});
                assertEquals(CloseCode.BINARY_NOT_SUPPORTED.code(), plain.awaitClose().code());
            }
            assertEquals(List.of(), node.leakReports());
        }
    }

    private static GatewayProcess node(Path dir, RedisServerProcess redis) {
        return GatewayProcess.named("uring-1")
                .env("CRIER_SERVER_TRANSPORT", "io_uring")
                .env("CRIER_AUTH_HMAC_SECRET", SECRET)
                .env("CRIER_REDIS_URI", redis.uri())
                .env("CRIER_API_KEY", API_KEY)
                .env("CRIER_ADMIN_KEY", ADMIN_KEY)
                .env("CRIER_TLS_ENABLED", "true")
                .env("CRIER_TLS_PORT", "0")
                .env("CRIER_TLS_CERT_CHAIN_FILE", dir.resolve("chain.pem").toString())
                .env("CRIER_TLS_KEY_FILE", dir.resolve("key.pem").toString())
                .env("CRIER_DRAIN_WINDOW", "0s")
                .env("CRIER_DRAIN_READINESS_DELAY", "0s")
                .start();
    }

    private static WsTestClient subscribed(WsTestClient client, String user, String topic) throws Exception {
        String token = TestTokens.hs256(SECRET.getBytes(StandardCharsets.UTF_8), user, List.of("*"), List.of("*"),
                Duration.ofMinutes(5));
        client.send(ClientCommands.auth(1, token));
        client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
        client.send(ClientCommands.subscribe(2, topic));
        client.awaitContaining("{\"type\":\"ok\",\"id\":2}");
        assertFalse(client.isClosed());
        return client;
    }
}
