package io.crier.gateway.badinput;

import static io.crier.gateway.badinput.BadInputNode.SECRET;
import static io.crier.gateway.badinput.BadInputNode.token;
import static io.crier.gateway.badinput.Replies.assertPingAnswered;
import static io.crier.gateway.badinput.Replies.authenticate;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.gateway.auth.TestTokens;
import io.crier.protocol.ClientCommands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
/**
 * The bad-input suite, token phase: forged, malformed and hostile tokens are refused, with close 4500 after an
 * {@code auth} command and 401 ({@code WWW-Authenticate: Bearer error="invalid_token"}) on a {@code Bearer}
 * upgrade; an expired token, which a fresh one would cure, with close 4004 (reconnect allowed) and a 401 that says
 * it expired. The witness on the same node loses nothing.
 */
class TokenBadInputIT {

    private static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    @RegisterExtension
    static final BadInputNode NODE = BadInputNode.standard();

    static Stream<Arguments> badTokens() throws Exception {
        Instant now = Instant.now();
        String valid = token("mallory");
        byte[] otherSecret = "another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of("garbage", "not-a-jwt"),
                Arguments.of("three garbage segments", "a.b.c"),
                Arguments.of("forged with another secret",
                        TestTokens.hs256(otherSecret, "mallory", List.of("*"), List.of("*"), Duration.ofMinutes(5))),
                Arguments.of("expired, and without sub", TestTokens.hs256Payload(SECRET,
                        "{\"exp\":" + (now.getEpochSecond() - 600) + "}")),
                Arguments.of("unsigned (alg none)", HostileTokens.unsigned(HostileTokens.claims("mallory"))),
                Arguments.of("unsigned by java-jwt", TestTokens.unsigned(now, "mallory", Duration.ofMinutes(5))),
                Arguments.of("signature of another token", valid.substring(0, valid.lastIndexOf('.') + 1)
                        + token("eve").substring(token("eve").lastIndexOf('.') + 1)),
                Arguments.of("RS256 by an unknown key", TestTokens.rs256(now, "mallory", Duration.ofMinutes(5))),
                Arguments.of("algorithm confusion", NODE.rsa().algorithmConfusion("mallory")),
                Arguments.of("algorithm confusion without kid", HostileTokens.hs256(
                        Files.readAllBytes(NODE.rsa().publicKeyFile()),
                        "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", HostileTokens.claims("mallory"))),
                Arguments.of("no sub", TestTokens.hs256Payload(SECRET,
                        "{\"exp\":" + (now.getEpochSecond() + 300) + "}")),
                Arguments.of("a duplicate sub (the last would win)", HostileTokens.hs256(SECRET, HEADER,
                        HostileTokens.claimsWithDuplicateSub("mallory", "admin"))),
                Arguments.of("a duplicate alg in the header", HostileTokens.hs256(SECRET,
                        HostileTokens.HEADER_WITH_DUPLICATE_ALG, HostileTokens.claims("mallory"))),
                Arguments.of("a signature with = padding", HostileTokens.withPaddedSignature(valid)),
                Arguments.of("a signature with an unused bit set", HostileTokens.withUnusedBitSet(valid)),
                Arguments.of("exp past any instant", HostileTokens.hs256(SECRET, HEADER,
                        HostileTokens.claimsExpiringAt("mallory", "1e300"))),
                Arguments.of("exp as a string", HostileTokens.hs256(SECRET, HEADER,
                        HostileTokens.claimsExpiringAt("mallory", "\"12000000000\""))),
                Arguments.of("a newline in sub", HostileTokens.hs256(SECRET, HEADER,
                        HostileTokens.claims("alice\\n2026-01-01T00:00:00Z INFO authenticated user=admin"))));
    }

    @Test
    void aTokenThatExpiresCenturiesAheadOpensASessionThatStaysOpen() throws Exception {
        String service = HostileTokens.hs256(SECRET, HEADER, HostileTokens.claimsExpiringAt("service", "12000000000"));
        try (RawWebSocket client = RawWebSocket.upgraded(NODE.ws(), "/ws")) {
            authenticate(client, service);
            client.sendText(ClientCommands.refresh(2, service));
            assertEquals("{\"type\":\"ok\",\"id\":2}", client.nextText());
            assertPingAnswered(client);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void aBadTokenInTheAuthCommandClosesWith4500(String kind, String token) throws Exception {
        try (RawWebSocket client = RawWebSocket.upgraded(NODE.ws(), "/ws")) {
            client.sendText("{\"type\":\"auth\",\"id\":1,\"token\":\"" + token + "\"}");
            assertEquals(new RawWebSocket.Closed(4500, "invalid_token", List.of(
                    "{\"type\":\"disconnect\",\"code\":4500,\"reason\":\"invalid_token\",\"reconnect\":false}")),
                    client.awaitClose(), kind);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void aBadBearerTokenIsRefusedWith401(String kind, String token) throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(NODE.ws())) {
            RawWebSocket.HttpHead head = client.request(
                    RawWebSocket.upgradeRequest("/ws", "Authorization: Bearer " + token + "\r\n"));
            assertEquals(401, head.status(), kind + ": " + head.text());
            assertEquals("Bearer error=\"invalid_token\"", head.header("WWW-Authenticate"), kind);
        }
    }

    @Test
    void anExpiredTokenInTheAuthCommandClosesWith4004SoTheClientComesBackWithAFreshOne() throws Exception {
        try (RawWebSocket client = RawWebSocket.upgraded(NODE.ws(), "/ws")) {
            client.sendText(ClientCommands.auth(1, expired("mallory")));
            assertEquals(new RawWebSocket.Closed(4004, "token_expired", List.of(
                    "{\"type\":\"disconnect\",\"code\":4004,\"reason\":\"token_expired\",\"reconnect\":true}")),
                    client.awaitClose());
        }
        try (RawWebSocket client = RawWebSocket.upgraded(NODE.ws(), "/ws")) {
            authenticate(client, token("mallory"));
            assertPingAnswered(client);
        }
    }

    @Test
    void anExpiredBearerTokenIsRefusedWith401ThatSaysItExpired() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(NODE.ws())) {
            RawWebSocket.HttpHead head = client.request(
                    RawWebSocket.upgradeRequest("/ws", "Authorization: Bearer " + expired("mallory") + "\r\n"));
            assertEquals(401, head.status(), head.text());
            assertEquals("Bearer error=\"invalid_token\", error_description=\"token expired\"",
                    head.header("WWW-Authenticate"));
        }
    }

    /** A token of {@code user} that would be valid but expired ten minutes ago. */
    private static String expired(String user) {
        return TestTokens.hs256(SECRET, user, List.of("*"), List.of("*"), Duration.ofMinutes(-10));
    }

    @Test
    void theConfiguredRsaKeyIsInUseSoTheConfusionTokenIsRefusedForItsAlgorithm() throws Exception {
        try (RawWebSocket client = RawWebSocket.upgraded(NODE.ws(), "/ws")) {
            authenticate(client, NODE.rsa().rs256("rsa-user", Duration.ofMinutes(5)));
            assertPingAnswered(client);
        }
    }
}
