package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Broken input and failures on the whole pipeline, seen on the wire: every case ends in exactly one close
 * frame with the documented code.
 */
class ExceptionHandlerTest {

    private final TestNode node = TestNode.create(Map.of(
            "CRIER_LIMITS_MAX_MESSAGE_BYTES", "1024", "CRIER_LIMITS_MAX_DATA_BYTES", "512"));
    private final EmbeddedChannel channel = node.connection();
    private final WireClient client = new WireClient(channel);

    @AfterEach
    void tearDown() {
        client.close();
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void anOversizedFrameGetsOneCloseFrameWithCode1009() {
        client.upgrade();
        client.sendText("x".repeat(1025));
        assertEquals(List.of("close 1009"), closes(client.receive()));
        assertFalse(channel.isActive());
        assertEquals(1.0, disconnects("message_too_big"));
    }

    @Test
    void invalidUtf8GetsOneCloseFrameWithCode1007() {
        client.upgrade();
        client.send(new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'"', (byte) 0xc3, (byte) 0x28, '"'})));
        assertEquals(List.of("close 1007"), closes(client.receive()));
        assertFalse(channel.isActive());
        assertEquals(1.0, disconnects("invalid_utf8"));
    }

    @Test
    void invalidUtf8AcrossFragmentsGetsOneCloseFrameWithCode1007() {
        client.upgrade();
        // Each fragment alone could be the start or the end of a character; together they are not UTF-8.
        client.send(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {'"', (byte) 0xc3})));
        client.send(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {(byte) 0x28, '"'})));
        List<WireClient.Frame> frames = client.receive();
        assertEquals(List.of("close 1007"), closes(frames));
        assertEquals(List.of(EnvelopeCodecHandler.NOT_UTF8), frames.stream()
                .filter(f -> f.opcode() == WireClient.Frame.CLOSE).map(WireClient.Frame::closeReason).toList());
        assertFalse(channel.isActive());
        assertEquals(1.0, disconnects("invalid_utf8"));
    }

    @Test
    void everyKindOfInvalidUtf8GetsCode1007() {
        byte[][] invalid = {
            {(byte) 0xc0, (byte) 0x80},                         // overlong
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80},            // a surrogate
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
            {(byte) 0xe2, (byte) 0x82},                         // cut short at the message's end
            {(byte) 0xff},
        };
        for (byte[] bytes : invalid) {
            try (TestNode one = TestNode.create(Map.of())) {
                EmbeddedChannel each = one.connection();
                try (WireClient wire = new WireClient(each)) {
                    wire.upgrade();
                    wire.send(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
                    assertEquals(List.of("close 1007"), closes(wire.receive()), Arrays.toString(bytes));
                    assertFalse(each.isActive());
                }
                each.finishAndReleaseAll();
            }
        }
    }

    @Test
    void aCharacterSplitAcrossFragmentsIsValidText() {
        client.upgrade();
        // "€" is e2 82 ac: split after its first byte, the message is still valid UTF-8 (not a valid command).
        client.send(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {'"', (byte) 0xe2})));
        client.send(new ContinuationWebSocketFrame(true, 0,
                Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, (byte) 0xac, '"'})));
        List<WireClient.Frame> frames = client.receive();
        assertFalse(closes(frames).contains("close 1007"), frames.toString());
        assertEquals(0.0, disconnects("invalid_utf8"));
        assertEquals(1.0, node.meters.find("crier.frames.malformed").counters().stream()
                .mapToDouble(Counter::count).sum());
    }

    @Test
    void aFragmentedMessageOverTheLimitGetsOneCloseFrameWithCode1009() {
        client.upgrade();
        byte[] half = new byte[700];
        Arrays.fill(half, (byte) 'x');
        client.send(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(half)));
        client.send(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(half)));
        assertEquals(List.of("close 1009 message_too_big"), closes(client.receive()));
        assertFalse(channel.isActive());
    }

    @Test
    void anUnexpectedErrorDisconnectsOnceWithCode4003() {
        client.upgrade();
        ChannelHandlerContext last = channel.pipeline().context(PipelineNames.EXCEPTIONS);
        channel.pipeline().fireExceptionCaught(new IllegalStateException("boom"));
        // A second failure while closing (the pipeline is gone by now, so straight to the handler).
        node.shared.exceptions().exceptionCaught(last, new IllegalStateException("boom again"));
        List<WireClient.Frame> frames = client.receive();
        assertEquals(List.of("{\"type\":\"disconnect\",\"code\":4003,\"reason\":\"internal_error\",\"reconnect\":true}"),
                frames.stream().filter(f -> f.opcode() == WireClient.Frame.TEXT).map(WireClient.Frame::text).toList());
        assertEquals(List.of("close 4003 internal_error"), closes(frames));
        assertFalse(channel.isActive());
        assertEquals(1.0, disconnects("internal_error"));
    }

    @Test
    void aPeerResetJustClosesTheConnection() {
        client.upgrade();
        channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertEquals(List.of(), client.receive());
        assertFalse(channel.isActive());
    }

    private double disconnects(String reason) {
        return node.meters.counter("crier.disconnects", "reason", reason).count();
    }

    private static List<String> closes(List<WireClient.Frame> frames) {
        return frames.stream().filter(f -> f.opcode() == WireClient.Frame.CLOSE)
                .map(f -> reasonIsNetty(f) ? "close " + f.closeCode() : "close " + f.closeCode() + " " + f.closeReason())
                .toList();
    }

    /** Netty's decoder explains a broken frame in its own words; the code is what the protocol pins. */
    private static boolean reasonIsNetty(WireClient.Frame close) {
        return close.closeReason().contains(" ");
    }
}
