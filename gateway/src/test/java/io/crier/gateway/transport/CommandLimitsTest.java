package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.ClientCommands;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The command token bucket on the whole pipeline, with its clock driven by hand: 1 command a second, a
 * burst of 3, and 3 rate-limited commands in a row close the session with 4502.
 */
class CommandLimitsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final TestNode node = TestNode.create(Map.of("CRIER_LIMITS_COMMANDS_PER_SECOND", "1",
            "CRIER_LIMITS_COMMAND_BURST", "3", "CRIER_LIMITS_FLOOD_DISCONNECT_AFTER", "3",
            "CRIER_SESSION_MAX_TOPICS", "2"));
    private final EmbeddedChannel channel =
            new EmbeddedChannel(node.initializer(new NodeLimits(node.config, node.disconnector, node.meters, nanos::get)));
    private final WireClient client = new WireClient(channel);

    @AfterEach
    void tearDown() {
        client.close();
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void theAuthCommandTakesATokenAndACommandPastTheBurstIsRefusedWithRateLimited() {
        authenticate();
        assertEquals(List.of("{\"type\":\"ok\",\"id\":2}"), send(ClientCommands.ping(2)));
        assertEquals(List.of("{\"type\":\"ok\",\"id\":3}"), send(ClientCommands.ping(3)));
        List<String> refused = send(ClientCommands.ping(4));
        assertEquals(1, refused.size(), refused.toString());
        assertTrue(refused.get(0).startsWith("{\"type\":\"error\",\"id\":4,\"code\":\"rate_limited\""), refused.get(0));
        assertEquals(1.0, node.meters.counter("crier.commands.rate_limited").count());
        assertEquals(1.0, node.meters.counter("crier.commands.errors", "code", "rate_limited").count());
        assertTrue(channel.isOpen(), "an error reply never closes the socket");
    }

    @Test
    void eachConnectionSpendsItsOwnBucketThoughTheLimitHandlersAreShared() {
        ChannelHandler initializer = node.initializer(new NodeLimits(node.config, node.disconnector, node.meters,
                nanos::get));
        EmbeddedChannel first = new EmbeddedChannel(initializer);
        EmbeddedChannel second = new EmbeddedChannel(initializer);
        try (WireClient one = new WireClient(first); WireClient two = new WireClient(second)) {
            one.upgrade();
            two.upgrade();
            for (int id = 1; id <= 3; id++) {
                one.sendText(ClientCommands.ping(id));
                one.receiveTexts();
            }
            one.sendText(ClientCommands.ping(4));
            assertTrue(one.receiveTexts().get(0).contains("rate_limited"));

            two.sendText(ClientCommands.auth(1, TestNode.token("bob")));
            assertTrue(two.receiveTexts().get(0).startsWith("{\"type\":\"welcome\""));
            two.sendText(ClientCommands.ping(2));
            assertEquals(List.of("{\"type\":\"ok\",\"id\":2}"), two.receiveTexts());
        }
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void aRateLimitedCommandIsNotExecuted() {
        authenticate();
        send(ClientCommands.ping(2));
        send(ClientCommands.ping(3));
        List<String> refused = send(ClientCommands.subscribe(4, "limits.not-run"));
        assertTrue(refused.get(0).contains("rate_limited"), refused.toString());
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        List<String> reply = send(ClientCommands.unsubscribe(5, "limits.not-run"));
        assertTrue(reply.get(0).contains("\"code\":\"not_subscribed\""), reply.toString());
    }

    @Test
    void theBucketRefillsAtTheConfiguredRate() {
        authenticate();
        send(ClientCommands.ping(2));
        send(ClientCommands.ping(3));
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
        assertTrue(send(ClientCommands.ping(4)).get(0).contains("rate_limited"));
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        assertEquals(List.of("{\"type\":\"ok\",\"id\":5}"), send(ClientCommands.ping(5)));
    }

    @Test
    void aSessionThatKeepsFloodingIsClosedWith4502AfterTheDisconnectPush() {
        authenticate();
        send(ClientCommands.ping(2));
        send(ClientCommands.ping(3));
        send(ClientCommands.ping(4));
        send(ClientCommands.ping(5));
        client.sendText(ClientCommands.ping(6));
        List<WireClient.Frame> frames = client.receive();
        assertEquals(2, frames.size(), frames.toString());
        assertTrue(frames.get(0).text().contains("\"code\":4502"), frames.get(0).text());
        assertTrue(frames.get(0).text().contains("\"reconnect\":false"), frames.get(0).text());
        assertEquals(4502, frames.get(1).closeCode());
        assertEquals("command_flood", frames.get(1).closeReason());
        assertFalse(channel.isOpen());
        assertEquals(3.0, node.meters.counter("crier.commands.rate_limited").count());
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "command_flood").count());
    }

    @Test
    void pingFramesTakeTokensFromTheSameBucketAndOverItGetNoPong() {
        authenticate();
        assertEquals(List.of(WireClient.Frame.PONG), ping());
        assertEquals(List.of("{\"type\":\"ok\",\"id\":3}"), send(ClientCommands.ping(3)));
        assertEquals(List.of(), ping(), "no token left: no pong");
        assertTrue(send(ClientCommands.ping(4)).get(0).contains("rate_limited"), "the same bucket");
        assertEquals(2.0, node.meters.counter("crier.commands.rate_limited").count());
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertEquals(List.of(WireClient.Frame.PONG), ping());
    }

    @Test
    void aSessionThatKeepsPingingPastTheBucketIsClosedWith4502() {
        authenticate();
        ping();
        ping();
        ping();
        ping();
        client.send(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
        List<WireClient.Frame> frames = client.receive();
        assertEquals(2, frames.size(), frames.toString());
        assertTrue(frames.get(0).text().contains("\"code\":4502"), frames.get(0).text());
        assertEquals(4502, frames.get(1).closeCode());
        assertFalse(channel.isOpen());
    }

    @Test
    void pongFramesTakeTokensToo() {
        authenticate();
        client.send(new PongWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
        client.send(new PongWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {2})));
        assertTrue(send(ClientCommands.ping(4)).get(0).contains("rate_limited"));
    }

    @Test
    void malformedFramesTakeTokensToo() {
        authenticate();
        send("not json");
        send("not json");
        assertTrue(send(ClientCommands.ping(4)).get(0).contains("rate_limited"));
    }

    @Test
    void theTopicLimitIsAnsweredWithTooManyTopicsAndCounted() {
        authenticate();
        send(ClientCommands.subscribe(2, "limits.a"));
        send(ClientCommands.subscribe(3, "limits.b"));
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        List<String> reply = send(ClientCommands.subscribe(4, "limits.c"));
        assertTrue(reply.stream().anyMatch(r -> r.contains("\"id\":4,\"code\":\"too_many_topics\"")), reply.toString());
        assertEquals(1.0, node.meters.counter("crier.commands.errors", "code", "too_many_topics").count());
    }

    private void authenticate() {
        client.upgrade();
        List<String> texts = send(ClientCommands.auth(1, TestNode.token("alice")));
        assertTrue(texts.get(0).startsWith("{\"type\":\"welcome\""), texts.toString());
    }

    /** Sends a ping frame; returns the opcodes of the frames the server answered with. */
    private List<Integer> ping() {
        client.send(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {7})));
        return client.receive().stream().map(WireClient.Frame::opcode).toList();
    }

    private List<String> send(String text) {
        client.sendText(text);
        return client.receiveTexts();
    }
}
