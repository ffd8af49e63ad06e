package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crier.gateway.auth.JwksServer;
import io.crier.gateway.auth.TestTokens;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.WsTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Log injection, end to end: a node run as its own process, in each {@code log.format}, is given values with a
 * newline and a NUL from both sides of a token. A JWKS whose {@code kid} holds them is logged at startup: in
 * the node's standard output that is one line with the characters escaped, no forged line starts, and no NUL
 * byte is written. A token, signed with that key, whose {@code sub} holds them is refused ({@code invalid_sub}:
 * close 4500), and nothing of it reaches the log: its connection's line names only the reason.
 */
class LogInjectionIT {

    private static final String FORGED = "2026-12-07T00:00:00.000Z INFO  [main] io.crier.connections - "
            + "authenticated conn=0badc0de session=n-1 user=admin";
    private static final String KID = "idp-kid\n" + FORGED + " kid\u0000";
    private static final String SUB = "mallory\n" + FORGED + " HOSTILE-SUB\u0000";
    private static final KeyPair IDP = TestTokens.rsaKeyPair();
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void aKidWithANewlineAndANulIsOneEscapedLineAndSuchASubIsRefused(String format) throws Exception {
        String jwk = TestTokens.jwk("idp-kid\\n" + FORGED + " kid\\u0000", IDP.getPublic(), "RS256");
        try (JwksServer jwks = JwksServer.start(TestTokens.jwks(jwk));
             GatewayProcess node = GatewayProcess.named("log-injection-" + format)
                     .env("CRIER_AUTH_JWKS_URL", jwks.uri().toString())
                     .env("CRIER_LOG_FORMAT", format)
                     .start();
             WsTestClient client = WsTestClient.connect(node.wsUri())) {
            String hostile = TestTokens.rsa("RS256", IDP, KID, Instant.now(), SUB, Duration.ofMinutes(5));
            client.send(ClientCommands.auth(1, hostile));
            assertEquals(4500, client.awaitClose().code(), "a sub with control characters is an invalid token");
            try (WsTestClient alice = WsTestClient.connect(node.wsUri())) {
                String token = TestTokens.rsa("RS256", IDP, KID, Instant.now(), "alice", Duration.ofMinutes(5));
                alice.send(ClientCommands.auth(1, token));
                alice.awaitContaining("{\"type\":\"ok\",\"id\":1}");
            }
            // Whatever the refused token made the node log, it wrote before its close frame, so before alice's line.
            await("alice's authenticated line").atMost(WsTestClient.WAIT).until(() -> Files.readString(node.log(),
                    StandardCharsets.UTF_8).contains("user=alice"));

            byte[] bytes = Files.readAllBytes(node.log());
            for (byte b : bytes) {
                assertTrue(b != 0, "a NUL byte in the log of " + node);
            }
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            assertFalse(lines.stream().anyMatch(l -> l.startsWith(FORGED.substring(0, 20))), "a forged line: " + lines);
            assertFalse(lines.stream().anyMatch(l -> l.contains("mallory") || l.contains("HOSTILE-SUB")),
                    "the refused token's sub is not logged: " + lines);
            String kidLine = only(lines, "kids [idp-kid");
            only(lines, "user=alice");
            if (format.equals("text")) {
                assertTrue(kidLine.contains("kids [idp-kid\\n" + FORGED + " kid\\u0000]"), kidLine);
            } else {
                assertTrue(JSON.readTree(kidLine).get("message").asText().contains("kids [" + KID + "]"), kidLine);
            }
        }
    }

    /** The one line that contains {@code fragment}. */
    private static String only(List<String> lines, String fragment) {
        List<String> matching = lines.stream().filter(l -> l.contains(fragment)).toList();
        assertEquals(1, matching.size(), "lines with " + fragment + ": " + matching);
        return matching.get(0);
    }
}
