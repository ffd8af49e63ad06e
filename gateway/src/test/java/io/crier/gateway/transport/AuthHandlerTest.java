package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.auth.User;
import io.crier.gateway.logging.ConnectionLines;
import io.crier.gateway.logging.ConnectionLog;
import io.crier.protocol.ClientCommands;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthHandlerTest {

    private static final Duration AUTH_TIMEOUT = Duration.ofSeconds(2);

    private final TestNode node = TestNode.create(Map.of("CRIER_AUTH_AUTH_TIMEOUT", "2s"));
    private final EmbeddedChannel channel = new EmbeddedChannel();

    AuthHandlerTest() {
        channel.freezeTime();
        channel.pipeline().addLast(PipelineNames.TELEMETRY,
                new TelemetryHandler(node.meters, new ConnectionLog(node.meters, 1000, 1000, System::nanoTime)));
        channel.pipeline().addLast(PipelineNames.ENVELOPE_CODEC, node.shared.envelopes());
        channel.pipeline().addLast(PipelineNames.AUTH,
                new AuthHandler(node.verifier, node.sessions, node.disconnector, AUTH_TIMEOUT));
        channel.pipeline().addLast(PipelineNames.EXCEPTIONS, node.shared.exceptions());
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void aValidAuthCommandIsWelcomedAnsweredAndOpensTheSession() {
        upgraded();
        send(ClientCommands.auth(1, TestNode.token("alice")));
        assertEquals(List.of(
                "{\"type\":\"welcome\",\"session\":\"test-node-1\",\"node\":\"test-node\",\"user\":\"alice\",\"heartbeat\":25}",
                "{\"type\":\"ok\",\"id\":1}"), written());
        assertNull(channel.pipeline().get(PipelineNames.AUTH));
        assertInstanceOf(SessionHandler.class, channel.pipeline().get(PipelineNames.SESSION));
        assertEquals(1, node.sessions.openSessions());
    }

    @Test
    void anInvalidTokenDisconnectsWith4500() {
        upgraded();
        send(ClientCommands.auth(1, "not-a-jwt"));
        assertEquals(List.of(
                "{\"type\":\"disconnect\",\"code\":4500,\"reason\":\"invalid_token\",\"reconnect\":false}",
                "close 4500 invalid_token"), written());
        assertFalse(channel.isActive());
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "invalid_token").count());
    }

    @Test
    void anExpiredTokenDisconnectsWith4004SoThatTheClientMayComeBackWithAFreshOne() {
        upgraded();
        send(auth(TestTokens.hs256(TestNode.SECRET, "alice", List.of("*"), List.of("*"), Duration.ofMinutes(-1))));
        assertEquals(List.of(
                "{\"type\":\"disconnect\",\"code\":4004,\"reason\":\"token_expired\",\"reconnect\":true}",
                "close 4004 token_expired"), written());
        assertFalse(channel.isActive());
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "token_expired").count());
        assertEquals(0.0, node.meters.counter("crier.disconnects", "reason", "invalid_token").count());
    }

    @Test
    void anExpiredTokenThatBreaksAnotherRuleTooIsFinal4500() {
        upgraded();
        long past = Instant.now().minusSeconds(60).getEpochSecond();
        send(auth(TestTokens.hs256Payload(TestNode.SECRET, "{\"exp\":" + past + "}")));
        assertEquals(List.of(
                "{\"type\":\"disconnect\",\"code\":4500,\"reason\":\"invalid_token\",\"reconnect\":false}",
                "close 4500 invalid_token"), written(), "no sub: a fresh token from the same source fails too");
    }

    @Test
    void aTokenNotValidYetIsFinal4500AsAClockOutOfStepIsTheOperatorsToFix() {
        upgraded();
        long now = Instant.now().getEpochSecond();
        send(auth(TestTokens.hs256Payload(TestNode.SECRET,
                "{\"sub\":\"alice\",\"exp\":" + (now + 600) + ",\"nbf\":" + (now + 300) + "}")));
        assertEquals(List.of(
                "{\"type\":\"disconnect\",\"code\":4500,\"reason\":\"invalid_token\",\"reconnect\":false}",
                "close 4500 invalid_token"), written());
    }

    @Test
    void theDisconnectedLineOfARefusedTokenSaysWhyAndNeverHoldsTheToken() {
        String forged = TestTokens.hs256("another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8),
                "mallory", List.of("*"), List.of("*"), Duration.ofMinutes(5));
        try (ConnectionLines lines = ConnectionLines.capture()) {
            upgraded();
            send(auth(forged));
            written();
            List<String> messages = lines.messages();
            assertEquals(2, messages.size(), messages.toString());
            assertTrue(messages.get(0).startsWith("connected conn=embedded"), messages.get(0));
            assertTrue(messages.get(1).matches("disconnected conn=embedded session=- reason=invalid_token "
                    + "tokenError=bad_signature durationMs=\\d+"), messages.get(1));
            String signature = forged.substring(forged.lastIndexOf('.') + 1);
            assertFalse(messages.stream().anyMatch(m -> m.contains(signature) || m.contains("mallory")),
                    messages.toString());
        }
    }

    @Test
    void anAuthWithoutATokenIsLoggedAsAMissingTokenWhenAnonymousSessionsAreOff() {
        try (ConnectionLines lines = ConnectionLines.capture()) {
            upgraded();
            send(ClientCommands.anonymousAuth(1));
            assertEquals("close 4500 invalid_token", written().get(1));
            assertTrue(lines.messages().get(1).contains("reason=invalid_token tokenError=missing_token"),
                    lines.messages().toString());
        }
    }

    @Test
    void aRefusedRefreshIsLoggedWithItsReasonAndTheSessionGoesOn() {
        upgraded();
        send(auth(TestTokens.hs256(TestNode.SECRET, "alice", List.of("*"), List.of("*"), Duration.ofMinutes(5))));
        written();
        try (ConnectionLines lines = ConnectionLines.capture()) {
            send(ClientCommands.refresh(2,
                    TestTokens.hs256(TestNode.SECRET, "alice", List.of("*"), List.of("*"), Duration.ofMinutes(-1))));
            send(ClientCommands.refresh(3, TestNode.token("bob")));
            List<String> frames = written();
            assertTrue(frames.get(0).startsWith("{\"type\":\"error\",\"id\":2,\"code\":\"invalid_token\""), frames.toString());
            assertTrue(frames.get(1).startsWith("{\"type\":\"error\",\"id\":3,\"code\":\"invalid_token\""), frames.toString());
            assertEquals(List.of("refresh refused conn=embedded session=test-node-1 tokenError=expired",
                    "refresh refused conn=embedded session=test-node-1 tokenError=other_user"), lines.messages());
            assertTrue(channel.isActive());
        }
    }

    @Test
    void anyOtherCommandBeforeAuthenticationGetsAnErrorAndTheSocketStaysOpen() {
        upgraded();
        send(ClientCommands.encode(new Command.Subscribe(CommandId.ofString("s1"), "news")));
        List<String> frames = written();
        assertEquals(1, frames.size());
        assertTrue(frames.get(0).startsWith("{\"type\":\"error\",\"id\":\"s1\",\"code\":\"not_authenticated\""),
                frames.toString());
        assertTrue(channel.isActive());
    }

    @Test
    void aMalformedFrameBeforeAuthenticationGetsItsErrorReply() {
        upgraded();
        send("[1,2]");
        List<String> frames = written();
        assertTrue(frames.get(0).startsWith("{\"type\":\"error\",\"code\":\"bad_json\""), frames.toString());
        assertTrue(channel.isActive());
    }

    @Test
    void closesWith4501WhenNoAuthArrivesBeforeTheDeadline() {
        upgraded();
        advance(AUTH_TIMEOUT.minusMillis(1));
        assertEquals(List.of(), written());
        advance(Duration.ofMillis(1));
        assertEquals(List.of(
                "{\"type\":\"disconnect\",\"code\":4501,\"reason\":\"auth_timeout\",\"reconnect\":false}",
                "close 4501 auth_timeout"), written());
        assertFalse(channel.isActive());
    }

    @Test
    void authenticationCancelsTheDeadline() {
        upgraded();
        send(ClientCommands.auth(1, TestNode.token("alice")));
        written();
        advance(AUTH_TIMEOUT.multipliedBy(2));
        assertEquals(List.of(), written());
        assertTrue(channel.isActive());
    }

    @Test
    void aUserAuthenticatedByHeaderIsWelcomedRightAfterTheUpgrade() throws Exception {
        User bob = node.verifier.verify(TestNode.token("bob"));
        Connection.of(channel).bearerVerified(bob);
        upgraded();
        List<String> frames = written();
        assertEquals(1, frames.size());
        assertTrue(frames.get(0).startsWith("{\"type\":\"welcome\""), frames.toString());
        assertTrue(frames.get(0).contains("\"user\":\"bob\""), frames.get(0));
        assertInstanceOf(SessionHandler.class, channel.pipeline().get(PipelineNames.SESSION));
        advance(AUTH_TIMEOUT.multipliedBy(2));
        assertTrue(channel.isActive());
    }

    private static String auth(String token) {
        return ClientCommands.auth(1, token);
    }

    private void upgraded() {
        UpgradeCompleteHandler.complete(channel, false);
    }

    private void send(String text) {
        channel.writeInbound(new TextWebSocketFrame(text));
    }

    private void advance(Duration duration) {
        channel.advanceTimeBy(duration.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    private List<String> written() {
        return OutboundFrames.texts(channel);
    }
}
