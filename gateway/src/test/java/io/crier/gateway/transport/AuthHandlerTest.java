package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.User;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import java.time.Duration;
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
        channel.pipeline().addLast(PipelineNames.ENVELOPE_CODEC, node.shared.envelopes());
        channel.pipeline().addLast(PipelineNames.AUTH,
                new AuthHandler(node.verifier, node.sessions, node.disconnector, AUTH_TIMEOUT));
        channel.pipeline().addLast(PipelineNames.EXCEPTIONS, node.shared.exceptions());
        ChannelAttributes.markUpgraded(channel);
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void aValidAuthCommandIsWelcomedAnsweredAndOpensTheSession() {
        upgraded();
        send("{\"type\":\"auth\",\"id\":1,\"token\":\"" + TestNode.token("alice") + "\"}");
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
        send("{\"type\":\"auth\",\"id\":1,\"token\":\"not-a-jwt\"}");
        assertEquals(List.of(
                "{\"type\":\"disconnect\",\"code\":4500,\"reason\":\"invalid_token\",\"reconnect\":false}",
                "close 4500 invalid_token"), written());
        assertFalse(channel.isActive());
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "invalid_token").count());
    }

    @Test
    void anyOtherCommandBeforeAuthenticationGetsAnErrorAndTheSocketStaysOpen() {
        upgraded();
        send("{\"type\":\"subscribe\",\"id\":\"s1\",\"topic\":\"news\"}");
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
        send("{\"type\":\"auth\",\"id\":1,\"token\":\"" + TestNode.token("alice") + "\"}");
        written();
        advance(AUTH_TIMEOUT.multipliedBy(2));
        assertEquals(List.of(), written());
        assertTrue(channel.isActive());
    }

    @Test
    void aUserAuthenticatedByHeaderIsWelcomedRightAfterTheUpgrade() throws Exception {
        User bob = node.verifier.verify(TestNode.token("bob"));
        channel.attr(ChannelAttributes.HEADER_USER).set(bob);
        upgraded();
        List<String> frames = written();
        assertEquals(1, frames.size());
        assertTrue(frames.get(0).startsWith("{\"type\":\"welcome\""), frames.toString());
        assertTrue(frames.get(0).contains("\"user\":\"bob\""), frames.get(0));
        assertInstanceOf(SessionHandler.class, channel.pipeline().get(PipelineNames.SESSION));
        advance(AUTH_TIMEOUT.multipliedBy(2));
        assertTrue(channel.isActive());
    }

    private void upgraded() {
        channel.pipeline().fireUserEventTriggered(new HandshakeComplete("/ws", new DefaultHttpHeaders(), null));
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
