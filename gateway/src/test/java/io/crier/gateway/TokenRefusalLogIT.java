package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.badinput.RawWebSocket;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.WsTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Why a token was refused, in a real node's log: a node run as its own process refuses an expired and a forged
 * token in the {@code auth} command (closes 4004 and 4500), an expired Bearer token on the upgrade (401) and an
 * expired token in a {@code refresh}; its standard output then holds, on {@code io.crier.connections}, the
 * {@code disconnected} lines with {@code tokenError=expired} and {@code tokenError=bad_signature}, a
 * {@code refused} line with the client's address, and a {@code refresh refused} line of the session, and no part
 * of any token.
 */
class TokenRefusalLogIT {

    private static final byte[] SECRET = "token-refusal-log-it-secret-of-32-bytes!".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_SECRET = "another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);
    private static final String LOGGER = " io.crier.connections - ";

    @Test
    void everyRefusedTokenLeavesOneLineWithItsReasonAndNothingOfTheToken() throws Exception {
        String expired = token(SECRET, "erin", Duration.ofMinutes(-10));
        String forged = token(OTHER_SECRET, "mallory", Duration.ofMinutes(5));
        String bearer = token(SECRET, "bert", Duration.ofMinutes(-10));
        String valid = token(SECRET, "alice", Duration.ofMinutes(5));
        String refresh = token(SECRET, "alice", Duration.ofMinutes(-10));
        try (GatewayProcess node = GatewayProcess.named("token-refusal-log")
                .env("CRIER_AUTH_HMAC_SECRET", new String(SECRET, StandardCharsets.UTF_8))
                .start()) {
            assertEquals(4004, closeAfterAuth(node, expired), "an expired token: come back with a fresh one");
            assertEquals(4500, closeAfterAuth(node, forged), "a forged token: final");
            try (RawWebSocket client = RawWebSocket.connect(node.wsUri())) {
                RawWebSocket.HttpHead head = client.request(
                        RawWebSocket.upgradeRequest("/ws", "Authorization: Bearer " + bearer + "\r\n"));
                assertEquals(401, head.status(), head.text());
            }
            try (WsTestClient alice = WsTestClient.connect(node.wsUri())) {
                alice.send(ClientCommands.auth(1, valid));
                alice.awaitContaining("{\"type\":\"ok\",\"id\":1}");
                alice.send(ClientCommands.refresh(2, refresh));
                alice.awaitContaining("\"code\":\"invalid_token\"");
            }

            List<Pattern> wanted = List.of(
                    line("disconnected conn=\\S+ session=- reason=token_expired tokenError=expired durationMs=\\d+"),
                    line("disconnected conn=\\S+ session=- reason=invalid_token tokenError=bad_signature durationMs=\\d+"),
                    line("refused conn=\\S+ client=127\\.0\\.0\\.1 status=401 tokenError=expired"),
                    line("refresh refused conn=\\S+ session=token-refusal-log-\\w+ tokenError=expired"));
            await("the four lines").atMost(WsTestClient.WAIT).until(() -> {
                String log = Files.readString(node.log(), StandardCharsets.UTF_8);
                return wanted.stream().allMatch(p -> log.lines().anyMatch(l -> p.matcher(l).find()));
            });

            List<String> lines = Files.readString(node.log(), StandardCharsets.UTF_8).lines().toList();
            for (Pattern pattern : wanted) {
                assertEquals(1, lines.stream().filter(l -> pattern.matcher(l).find()).count(), pattern + " in " + lines);
            }
            for (String token : List.of(expired, forged, bearer, refresh)) {
                for (String segment : token.split("\\.")) {
                    assertFalse(lines.stream().anyMatch(l -> l.contains(segment)), "a token segment in the log");
                }
            }
            assertTrue(lines.stream().noneMatch(l -> l.contains("mallory") || l.contains("erin")
                    || l.contains("bert")), "no refused token's sub is logged: " + lines);
        }
    }

    private static int closeAfterAuth(GatewayProcess node, String token) throws Exception {
        try (WsTestClient client = WsTestClient.connect(node.wsUri())) {
            client.send(ClientCommands.auth(1, token));
            return client.awaitClose().code();
        }
    }

    private static Pattern line(String message) {
        return Pattern.compile(Pattern.quote(LOGGER) + message + "$");
    }

    private static String token(byte[] secret, String user, Duration ttl) {
        return TestTokens.hs256(secret, user, List.of("*"), List.of("*"), ttl);
    }
}
