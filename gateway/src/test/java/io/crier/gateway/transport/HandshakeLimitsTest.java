package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handshake's time and size limits on the whole pipeline, with the event loop's clock driven by hand. */
class HandshakeLimitsTest {

    private final TestNode node = TestNode.create(Map.of("CRIER_SERVER_HANDSHAKE_TIMEOUT", "3s",
            "CRIER_SERVER_MAX_HANDSHAKE_BYTES", "2048"));
    private final EmbeddedChannel channel = frozenConnection(node);

    /** A connection whose clock is frozen before its pipeline (and so its deadline) exists. */
    private static EmbeddedChannel frozenConnection(TestNode node) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(node.initializer());
        return channel;
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void closesASlowlorisClientThatSendsItsHeadByteByByteWhenTheTimeoutPasses() {
        byte[] head = "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n".getBytes(StandardCharsets.US_ASCII);
        for (byte b : head) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            channel.advanceTimeBy(50, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
        assertTrue(channel.isOpen(), "still within the handshake timeout");
        channel.advanceTimeBy(3, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
        assertEquals(1.0, refused("timeout"));
        assertNull(channel.readOutbound(), "no response: the connection is just closed");
    }

    @Test
    void closesAClientThatNeverSendsAnything() {
        channel.advanceTimeBy(2999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
        assertEquals(1.0, refused("timeout"));
    }

    @Test
    void anUpgradedConnectionOutlivesTheHandshakeTimeout() {
        try (WireClient client = new WireClient(channel)) {
            client.upgrade();
        }
        assertNull(channel.pipeline().get(PipelineNames.HANDSHAKE_LIMITS), "removed once upgraded");
        channel.advanceTimeBy(4, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "open past the 3 s handshake timeout (the 5 s auth deadline is still ahead)");
        assertEquals(0.0, refused("timeout"));
    }

    @Test
    void oversizedRequestHeadersGet431AndAreCounted() {
        String response = request("GET /ws HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "p".repeat(3000) + "\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 431 Request Header Fields Too Large"), response);
        assertFalse(channel.isOpen());
        assertEquals(1.0, refused("too_large"));
    }

    @Test
    void anOversizedRequestLineGets414AndIsCounted() {
        String response = request("GET /ws?" + "q".repeat(3000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 414 Request-URI Too Long"), response);
        assertEquals(1.0, refused("too_large"));
    }

    @Test
    void anOversizedRequestBodyGets413AndIsCounted() {
        String response = request("POST /ws HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n\r\n"
                + "b".repeat(5000));
        assertTrue(response.startsWith("HTTP/1.1 413"), response);
        assertEquals(1.0, refused("too_large"));
    }

    private String request(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        StringBuilder response = new StringBuilder();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) out;
            response.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return response.toString();
    }

    private double refused(String reason) {
        return node.meters.counter("crier.handshakes.refused", "reason", reason).count();
    }
}
