package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.auth.User;
import io.crier.protocol.ClientCommands;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionHandlerTest {

    private final TestNode node = TestNode.create();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void answersAPingWithOk() throws Exception {
        open(TestNode.token("alice"));
        send(ClientCommands.ping(5));
        assertEquals(List.of("{\"type\":\"ok\",\"id\":5}"), written());
    }

    @Test
    void subscribeAndPublishDeliverTheMessageToTheSession() throws Exception {
        open(TestNode.token("alice"));
        send(ClientCommands.subscribe(1, "session-handler:news"));
        assertEquals(List.of("{\"type\":\"ok\",\"id\":1}"), written());
        send(ClientCommands.publish(2, "session-handler:news", "{\"n\":1}"));
        List<String> frames = written();
        assertTrue(frames.contains("{\"type\":\"ok\",\"id\":2}"), frames.toString());
        assertTrue(frames.contains("{\"type\":\"message\",\"topic\":\"session-handler:news\",\"data\":{\"n\":1}}"),
                frames.toString());
    }

    @Test
    void aForbiddenSubscribeGetsAnErrorReplyAndTheSessionGoesOn() throws Exception {
        open(TestTokens.hs256(TestNode.SECRET, "carol", List.of("public:*"), List.of(), Duration.ofMinutes(5)));
        send(ClientCommands.encode(new Command.Subscribe(CommandId.ofString("s-1"), "private:ledger")));
        List<String> frames = written();
        assertTrue(frames.get(0).startsWith("{\"type\":\"error\",\"id\":\"s-1\",\"code\":\"forbidden\""), frames.toString());
        send(ClientCommands.ping(2));
        assertEquals(List.of("{\"type\":\"ok\",\"id\":2}"), written());
        assertTrue(channel.isActive());
    }

    @Test
    void aMalformedFrameGetsItsErrorReplyAndTheSessionGoesOn() throws Exception {
        open(TestNode.token("alice"));
        send("{\"type\":\"subscribe\",\"id\":3}");
        List<String> frames = written();
        assertTrue(frames.get(0).startsWith("{\"type\":\"error\",\"id\":3,\"code\":\"missing_field\""), frames.toString());
        assertTrue(channel.isActive());
    }

    @Test
    void closingTheConnectionClosesTheSessionOnce() throws Exception {
        open(TestNode.token("alice"));
        send(ClientCommands.subscribe(1, "session-handler:close"));
        written();
        assertEquals(1, node.hub.topicCount());
        channel.close();
        assertEquals(0, node.hub.topicCount());
        assertEquals(0, node.sessions.openSessions());
        channel.pipeline().fireChannelInactive();
        assertEquals(0, node.sessions.openSessions());
    }

    @Test
    void aSessionOpenedOnAClosedConnectionIsClosedAtOnce() throws Exception {
        channel.close();
        open(TestNode.token("alice"));
        assertEquals(0, node.sessions.openSessions());
    }

    private void open(String token) throws Exception {
        User user = node.verifier.verify(token);
        SessionFactory.Opened opened = node.sessions.open(user, channel);
        channel.pipeline().addLast(PipelineNames.ENVELOPE_CODEC, node.shared.envelopes());
        channel.pipeline().addLast(PipelineNames.SESSION, new SessionHandler(opened.session(), node.sessions));
        channel.pipeline().addLast(PipelineNames.EXCEPTIONS, node.shared.exceptions());
    }

    private void send(String text) {
        channel.writeInbound(new TextWebSocketFrame(text));
        channel.runPendingTasks();
    }

    private List<String> written() {
        return OutboundFrames.texts(channel);
    }
}
