package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.ClientCommands;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.Reply;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HeartbeatHandlerTest {

    private static final Duration INTERVAL = Duration.ofSeconds(25);
    private static final String HEARTBEAT = "{\"type\":\"heartbeat\"}";

    private final TestNode node = TestNode.create();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    HeartbeatHandlerTest() {
        channel.freezeTime();
        channel.pipeline().addLast(PipelineNames.HEARTBEAT, new HeartbeatHandler(INTERVAL, node.disconnector));
        channel.pipeline().addLast(PipelineNames.ENVELOPE_CODEC, node.shared.envelopes());
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void pingsASilentClientAfterOneIntervalAndDisconnectsItAfterTwo() {
        upgrade();
        advance(INTERVAL);
        List<String> first = drain();
        assertTrue(first.contains("ping"), first.toString());
        assertTrue(channel.isActive());

        advance(INTERVAL);
        List<String> second = drain();
        assertTrue(second.contains("{\"type\":\"disconnect\",\"code\":4002,\"reason\":\"heartbeat_timeout\","
                + "\"reconnect\":true}"), second.toString());
        assertTrue(second.contains("close 4002 heartbeat_timeout"), second.toString());
        assertFalse(channel.isActive());
    }

    @Test
    void aPongKeepsTheClientAliveAndIsSwallowed() {
        upgrade();
        advance(INTERVAL);
        drain();
        advance(Duration.ofSeconds(5));
        PongWebSocketFrame pong = new PongWebSocketFrame();
        channel.writeInbound(pong);
        assertNull(channel.readInbound());
        assertEquals(0, pong.refCnt());

        advance(Duration.ofSeconds(20));
        assertFalse(drain().stream().anyMatch(frame -> frame.startsWith("close")));
        advance(Duration.ofSeconds(5));
        List<String> next = drain();
        assertTrue(next.contains("ping"), "a new ping one interval after the pong: " + next);
        assertTrue(channel.isActive());
    }

    @Test
    void sendsAHeartbeatPushWhenTheServerWroteNothingForAnInterval() {
        upgrade();
        advance(Duration.ofSeconds(20));
        channel.writeAndFlush(new Reply.Ok(CommandId.of(1)));
        drain();
        advance(Duration.ofSeconds(5));
        assertFalse(drain().contains(HEARTBEAT), "a reply 5 s ago counts as server output");
        advance(Duration.ofSeconds(20));
        assertTrue(drain().contains(HEARTBEAT));
    }

    @Test
    void checksTheReadAndTheWriteSidesEachOnItsOwnDeadline() {
        upgrade();
        advance(Duration.ofSeconds(10));
        channel.writeInbound(new TextWebSocketFrame(ClientCommands.ping(1)));
        assertEquals(new Command.Ping(CommandId.of(1)), channel.readInbound());

        advance(Duration.ofSeconds(15));
        assertEquals(List.of(HEARTBEAT), drain(), "the server was silent for an interval; the client was not");
        advance(Duration.ofSeconds(9));
        assertEquals(List.of(), drain());
        advance(Duration.ofSeconds(1));
        assertEquals(List.of("ping"), drain(), "the client has been silent for an interval since its command");
        assertTrue(channel.isActive());
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sendsNoHeartbeatPushOnceTheConnectionIsClosingAndKeepsItsSchedule() {
        upgrade();
        ChannelAttributes.claimClose(channel, ControlFrameLimitsHandler.PEER_CLOSED);

        advance(INTERVAL);
        assertEquals(List.of("ping"), drain(), "no push after the client's close frame");
        advance(INTERVAL.minusSeconds(1));
        assertEquals(List.of(), drain());
        assertTrue(channel.isActive());
    }

    @Test
    void pingsDoNotCountAsServerOutput() {
        upgrade();
        advance(INTERVAL);
        List<String> frames = drain();
        assertTrue(frames.contains("ping") && frames.contains(HEARTBEAT), frames.toString());
    }

    @Test
    void closesAnIdleHttpConnectionBeforeTheUpgradeWithoutFrames() {
        advance(INTERVAL);
        assertEquals(List.of(), drain());
        assertFalse(channel.isActive());
    }

    @Test
    void passesOtherFramesOnToTheEnvelopeCodec() {
        upgrade();
        channel.writeInbound(new TextWebSocketFrame(ClientCommands.ping(7)));
        assertEquals(new Command.Ping(CommandId.of(7)), channel.readInbound());
    }

    private void upgrade() {
        UpgradeCompleteHandler.complete(channel, false);
    }

    private void advance(Duration duration) {
        channel.advanceTimeBy(duration.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    /** What the server wrote since the last call, as "ping", "close CODE REASON" or the text. */
    private List<String> drain() {
        List<String> frames = new ArrayList<>();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            WebSocketFrame frame = (WebSocketFrame) out;
            if (frame instanceof PingWebSocketFrame) {
                frames.add("ping");
            } else if (frame instanceof CloseWebSocketFrame close) {
                frames.add("close " + close.statusCode() + " " + close.reasonText());
            } else if (frame instanceof TextWebSocketFrame text) {
                frames.add(text.text());
            }
            frame.release();
        }
        return frames;
    }
}
