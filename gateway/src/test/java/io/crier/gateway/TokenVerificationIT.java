package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.JwksServer;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.ConfigLoader;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.WsTestClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live node whose only keys are an RSA public key in a PEM file and an EC key served by a JWKS URL (a real
 * local HTTP server): clients signing with either get welcomed, and the algorithm-confusion and
 * {@code alg: none} tokens get close 4500.
 */
class TokenVerificationIT {

    private static final Duration TTL = Duration.ofMinutes(5);
    private static final KeyPair BACKEND_RSA = TestTokens.rsaKeyPair();
    private static final KeyPair IDP_EC = TestTokens.ecKeyPair("secp256r1");
    private static final String INVALID_TOKEN_PUSH =
            "{\"type\":\"disconnect\",\"code\":4500,\"reason\":\"invalid_token\",\"reconnect\":false}";

    @TempDir
    static Path dir;

    private static JwksServer jwks;
    private static SimpleMeterRegistry meters;
    private static GatewayServer node;

    @BeforeAll
    static void startNode() throws Exception {
        Path pem = Files.writeString(dir.resolve("backend-rsa.pem"), TestTokens.publicKeyPem(BACKEND_RSA.getPublic()),
                StandardCharsets.US_ASCII);
        jwks = JwksServer.start(TestTokens.jwks(TestTokens.jwk("idp-es", IDP_EC.getPublic(), "ES256")));
        meters = new SimpleMeterRegistry();
        node = GatewayServer.start(new ConfigLoader().load(null, Map.of(
                "CRIER_SERVER_PORT", "0",
                "CRIER_NODE_ID", "jwt-node",
                "CRIER_AUTH_PUBLIC_KEY_FILES", pem.toString(),
                "CRIER_AUTH_JWKS_URL", jwks.uri().toString())), Clock.systemUTC(), meters);
    }

    @AfterAll
    static void stopNode() {
        node.close();
        jwks.close();
    }

    @Test
    void anRs256ClientSignedWithThePemKeyIsWelcomed() throws Exception {
        String token = TestTokens.rsa("RS256", BACKEND_RSA, "backend-rsa", Instant.now(), "rsa-user", TTL);

        assertWelcomed(token, "rsa-user");
    }

    @Test
    void anEs256ClientSignedWithTheJwksKeyIsWelcomed() throws Exception {
        String token = TestTokens.ec("ES256", IDP_EC, "idp-es", Instant.now(), "ec-user", TTL);

        assertWelcomed(token, "ec-user");
    }

    @Test
    void anEs256ClientIsWelcomedByBearerHeaderToo() throws Exception {
        String token = TestTokens.ec("ES256", IDP_EC, "idp-es", Instant.now(), "ec-bearer", TTL);
        try (WsTestClient client = WsTestClient.connectWithBearer(wsUri(), token)) {
            assertTrue(client.awaitContaining("\"type\":\"welcome\"").contains("\"user\":\"ec-bearer\""));
        }
    }

    @Test
    void theAlgorithmConfusionTokenIsClosedWith4500() throws Exception {
        assertRefusedWith4500(TestTokens.algorithmConfusion(BACKEND_RSA.getPublic(), "backend-rsa", Instant.now(),
                "mallory", TTL));
        assertRefusedWith4500(TestTokens.algorithmConfusion(BACKEND_RSA.getPublic(), null, Instant.now(),
                "mallory", TTL));
    }

    @Test
    void anAlgNoneTokenIsClosedWith4500() throws Exception {
        double before = failures("algorithm");

        assertRefusedWith4500(TestTokens.unsigned(Instant.now(), "mallory", TTL));

        assertEquals(before + 1, failures("algorithm"));
    }

    private static void assertWelcomed(String token, String user) throws Exception {
        try (WsTestClient client = WsTestClient.connect(wsUri())) {
            client.send(ClientCommands.auth(1, token));
            String welcome = client.awaitContaining("\"type\":\"welcome\"");
            assertTrue(welcome.contains("\"user\":\"" + user + "\""), welcome);
            client.awaitContaining("{\"type\":\"ok\",\"id\":1}");
        }
    }

    private static void assertRefusedWith4500(String token) throws Exception {
        try (WsTestClient client = WsTestClient.connect(wsUri())) {
            client.send(ClientCommands.auth(1, token));
            assertEquals(INVALID_TOKEN_PUSH, client.awaitContaining("\"type\":\"disconnect\""));
            assertEquals(new WsTestClient.Close(4500, "invalid_token"), client.awaitClose());
        }
    }

    private static double failures(String reason) {
        return meters.get("crier.auth.failures").tag("reason", reason).counter().count();
    }

    private static URI wsUri() {
        return URI.create(node.webSocketUrl());
    }
}
