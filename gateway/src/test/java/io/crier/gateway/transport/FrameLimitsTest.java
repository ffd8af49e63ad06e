package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Frame and message sizes on the whole pipeline: an oversized control frame is a protocol error (1002),
 * fragments adding up past {@code limits.maxMessageBytes} are a message too big (1009), with permessage-deflate
 * enabled (the default) as in production.
 */
class FrameLimitsTest {

    private final TestNode node = TestNode.create(Map.of(
            "CRIER_LIMITS_MAX_MESSAGE_BYTES", "4096", "CRIER_LIMITS_MAX_DATA_BYTES", "2048"));
    private final EmbeddedChannel channel = node.connection();
    private final WireClient client = new WireClient(channel);

    @AfterEach
    void tearDown() {
        client.close();
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void aPingOver125BytesClosesWith1002() {
        client.upgrade();
        // Netty's encoder refuses to write such a ping, so the masked frame is written by hand.
        byte[] frame = new byte[2 + 2 + 4 + 126];
        frame[0] = (byte) 0x89;
        frame[1] = (byte) (0x80 | 126);
        frame[3] = 126;
        channel.writeInbound(Unpooled.wrappedBuffer(frame));
        assertEquals(List.of(1002), closeCodes(client.receive()));
        assertFalse(channel.isActive());
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "protocol_error").count());
    }

    @Test
    void fragmentsAddingUpPastTheMessageLimitCloseWith1009() {
        client.upgrade();
        byte[] part = new byte[1500];
        Arrays.fill(part, (byte) 'x');
        client.send(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(part)));
        client.send(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(part)));
        client.send(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(part)));
        assertEquals(List.of(1009), closeCodes(client.receive()));
        assertFalse(channel.isActive());
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "message_too_big").count());
    }

    private static List<Integer> closeCodes(List<WireClient.Frame> frames) {
        return frames.stream().filter(f -> f.opcode() == WireClient.Frame.CLOSE).map(WireClient.Frame::closeCode).toList();
    }
}
