package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.CloseCode;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-session reconnect delay hint of {@link Disconnector#disconnect(io.netty.channel.Channel, CloseCode, long)}. */
class DisconnectorReconnectDelayTest {

    private final TestNode node = TestNode.create();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void aHintIsAddedToThePushAndTheCloseFrameIsUnchanged() {
        Connection.of(channel).completeUpgrade(false);

        assertTrue(node.disconnector.disconnect(channel, CloseCode.SHUTDOWN, 2500));

        TextWebSocketFrame push = channel.readOutbound();
        assertEquals("{\"type\":\"disconnect\",\"code\":4000,\"reason\":\"shutdown\",\"reconnect\":true,"
                + "\"reconnectDelayMs\":2500}", push.text());
        push.release();
        CloseWebSocketFrame close = channel.readOutbound();
        assertEquals(4000, close.statusCode());
        close.release();
        assertFalse(channel.isActive());
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "shutdown").count());
    }

    @Test
    void aZeroHintSendsThePlainPush() {
        Connection.of(channel).completeUpgrade(false);

        assertTrue(node.disconnector.disconnect(channel, CloseCode.SHUTDOWN, 0));

        TextWebSocketFrame push = channel.readOutbound();
        assertEquals("{\"type\":\"disconnect\",\"code\":4000,\"reason\":\"shutdown\",\"reconnect\":true}", push.text());
        push.release();
    }
}
