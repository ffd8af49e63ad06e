package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.Close;
import io.crier.protocol.CloseCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DisconnectorTest {

    private final TestNode node = TestNode.create();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void sendsTheDisconnectPushThenTheCloseFrameThenCloses() {
        Connection.of(channel).completeUpgrade(false);
        assertTrue(node.disconnector.disconnect(channel, CloseCode.SHUTDOWN));
        assertPushThenClose("{\"type\":\"disconnect\",\"code\":4000,\"reason\":\"shutdown\",\"reconnect\":true}",
                4000, "shutdown");
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "shutdown").count());
    }

    @Test
    void anApplicationCodeTakesTheSamePathWithItsOwnCodeAndReasonAndIsCountedAsApp() {
        Connection.of(channel).completeUpgrade(false);
        assertTrue(node.disconnector.disconnect(channel, Close.app(4601, "account_deleted")));
        assertPushThenClose("{\"type\":\"disconnect\",\"code\":4601,\"reason\":\"account_deleted\","
                + "\"reconnect\":false}", 4601, "account_deleted");
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "app").count());
        assertNull(node.meters.find("crier.disconnects").tag("reason", "account_deleted").counter());
    }

    @Test
    void disconnectsOnlyOncePerChannel() {
        Connection.of(channel).completeUpgrade(false);
        assertTrue(node.disconnector.disconnect(channel, CloseCode.SLOW_CONSUMER));
        assertFalse(node.disconnector.disconnect(channel, CloseCode.SHUTDOWN));
        assertEquals(2, channel.outboundMessages().size());
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "slow_consumer").count());
        assertEquals(0.0, node.meters.counter("crier.disconnects", "reason", "shutdown").count());
    }

    @Test
    void standardCodesGetACloseFrameWithoutAPush() {
        Connection.of(channel).completeUpgrade(false);
        node.disconnector.disconnect(channel, CloseCode.MESSAGE_TOO_BIG);
        CloseWebSocketFrame close = channel.readOutbound();
        assertEquals(1009, close.statusCode());
        close.release();
        assertNull(channel.readOutbound());
    }

    @Test
    void beforeTheUpgradeItJustClosesTheConnection() {
        node.disconnector.disconnect(channel, CloseCode.SHUTDOWN);
        assertNull(channel.readOutbound());
        assertFalse(channel.isActive());
    }

    @Test
    void closesAPeerThatNeverReadsAfterTheCloseTimeout() {
        channel.freezeTime();
        channel.pipeline().addFirst("stuck-socket", new NeverFlushes());
        Connection.of(channel).completeUpgrade(false);
        node.disconnector.disconnect(channel, CloseCode.SLOW_CONSUMER);
        assertTrue(channel.isActive(), "waiting for the close frame to flush");
        channel.advanceTimeBy(Disconnector.CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive());
    }

    /** The channel wrote {@code push}, then a close frame of {@code code} and {@code reason}, and is closed. */
    private void assertPushThenClose(String push, int code, String reason) {
        TextWebSocketFrame pushed = channel.readOutbound();
        assertEquals(push, pushed.text());
        pushed.release();
        CloseWebSocketFrame close = channel.readOutbound();
        assertEquals(code, close.statusCode());
        assertEquals(reason, close.reasonText());
        close.release();
        assertFalse(channel.isActive());
    }

    /** A socket whose send buffer is full: writes are held, never completed, and released at the end. */
    private static final class NeverFlushes extends ChannelOutboundHandlerAdapter {
        private final List<Object> held = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            held.add(msg);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // Nothing goes out: the peer does not read.
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            held.forEach(ReferenceCountUtil::release);
        }
    }
}
