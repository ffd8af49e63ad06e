package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.badinput.ClientFrame;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The inbound half of permessage-deflate without context takeover: whole messages inflate with the thread's shared
 * inflater, a fragmented one with its own while other connections of the thread go on, and the bound holds.
 * Connections here are {@link EmbeddedChannel}s on the test's thread, so they share one inflater as the connections
 * of one event loop do.
 */
class MessageInflateDecoderTest {

    private static final int MAX = 64 * 1024;

    private final MessageInflateDecoder.Shared shared = new MessageInflateDecoder.Shared(MAX);
    private final EmbeddedChannel first = new EmbeddedChannel(new MessageInflateDecoder(shared));
    private final EmbeddedChannel second = new EmbeddedChannel(new MessageInflateDecoder(shared));

    @AfterEach
    void tearDown() {
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void wholeMessagesFromTwoConnectionsInflateInTurnWithTheSharedInflater() {
        for (int i = 0; i < 3; i++) {
            String a = ("first " + i + " ").repeat(100);
            String b = ("second " + i + " ").repeat(100);
            first.writeInbound(compressedText(a));
            second.writeInbound(compressedText(b));
            assertEquals(a, readText(first));
            assertEquals(b, readText(second));
        }
    }

    @Test
    void aFragmentedMessageKeepsItsOwnInflaterWhileAnotherConnectionUsesTheSharedOne() {
        String message = "fragmented and compressed ".repeat(300);
        byte[] deflated = ClientFrame.deflatedText(message.getBytes(StandardCharsets.UTF_8)).payload();
        int third = deflated.length / 3;
        first.writeInbound(new TextWebSocketFrame(false, WebSocketExtension.RSV1,
                Unpooled.wrappedBuffer(Arrays.copyOfRange(deflated, 0, third))));
        second.writeInbound(compressedText("in between ".repeat(50)));
        first.writeInbound(new ContinuationWebSocketFrame(false, 0,
                Unpooled.wrappedBuffer(Arrays.copyOfRange(deflated, third, 2 * third))));
        second.writeInbound(compressedText("and again ".repeat(50)));
        first.writeInbound(new ContinuationWebSocketFrame(true, 0,
                Unpooled.wrappedBuffer(Arrays.copyOfRange(deflated, 2 * third, deflated.length))));

        assertEquals("in between ".repeat(50), readText(second));
        assertEquals("and again ".repeat(50), readText(second));
        StringBuilder whole = new StringBuilder();
        for (WebSocketFrame frame; (frame = first.readInbound()) != null; ) {
            assertEquals(0, frame.rsv(), "RSV1 cleared");
            whole.append(frame.content().toString(StandardCharsets.UTF_8));
            boolean last = frame.isFinalFragment();
            frame.release();
            if (last) {
                break;
            }
        }
        assertEquals(message, whole.toString());
    }

    @Test
    void rsv1OnAContinuationIsLeftSetForTheReservedBitsCheckToRefuse() {
        byte[] deflated = ClientFrame.deflatedText("split ".repeat(100).getBytes(StandardCharsets.UTF_8)).payload();
        int half = deflated.length / 2;
        first.writeInbound(new TextWebSocketFrame(false, WebSocketExtension.RSV1,
                Unpooled.wrappedBuffer(Arrays.copyOfRange(deflated, 0, half))));
        first.writeInbound(new ContinuationWebSocketFrame(true, WebSocketExtension.RSV1,
                Unpooled.wrappedBuffer(Arrays.copyOfRange(deflated, half, deflated.length))));
        WebSocketFrame start = first.readInbound();
        WebSocketFrame rest = first.readInbound();
        assertEquals(0, start.rsv(), "RSV1 of the first frame is the extension's, cleared");
        assertEquals(WebSocketExtension.RSV1, rest.rsv(), "RSV1 on a continuation is no extension's");
        start.release();
        rest.release();
    }

    @Test
    void framesWithoutRsv1PassUntouched() {
        TextWebSocketFrame plain = new TextWebSocketFrame("plain");
        BinaryWebSocketFrame binary = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2}));
        first.writeInbound(plain, binary);
        assertSame(plain, first.readInbound());
        assertSame(binary, first.readInbound());
        plain.release();
        binary.release();
    }

    @Test
    void aMessageInflatingPastTheBoundFailsAsNettysDecoderDoesSoItClosesWith1009() {
        DecompressionException whole = assertThrows(DecompressionException.class,
                () -> first.writeInbound(compressedText(" ".repeat(MAX + 1))));
        assertTrue(whole.getMessage().startsWith(PerMessageDeflate.OVER_MAX_ALLOCATION), whole.getMessage());
        first.writeInbound(compressedText(" ".repeat(MAX)));
        assertEquals(MAX, readText(first).length(), "exactly the bound inflates, and the shared inflater was reset");

        byte[] deflated = ClientFrame.deflatedText(" ".repeat(MAX + 10).getBytes(StandardCharsets.UTF_8)).payload();
        int half = deflated.length / 2;
        second.writeInbound(new TextWebSocketFrame(false, WebSocketExtension.RSV1,
                Unpooled.wrappedBuffer(Arrays.copyOfRange(deflated, 0, half))));
        DecompressionException fragmented = assertThrows(DecompressionException.class,
                () -> second.writeInbound(new ContinuationWebSocketFrame(true, 0,
                        Unpooled.wrappedBuffer(Arrays.copyOfRange(deflated, half, deflated.length)))));
        assertTrue(fragmented.getMessage().startsWith(PerMessageDeflate.OVER_MAX_ALLOCATION), fragmented.getMessage());
        for (Object frame; (frame = second.readInbound()) != null; ) {
            ((WebSocketFrame) frame).release();
        }
    }

    @Test
    void dataThatIsNotDeflateFailsWithAnotherMessageSoItClosesWith1002() {
        DecompressionException broken = assertThrows(DecompressionException.class,
                () -> first.writeInbound(new TextWebSocketFrame(true, WebSocketExtension.RSV1,
                        Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x13, 0x37}))));
        assertFalse(broken.getMessage().startsWith(PerMessageDeflate.OVER_MAX_ALLOCATION), broken.getMessage());
        first.writeInbound(compressedText("still fine ".repeat(20)));
        assertEquals("still fine ".repeat(20), readText(first), "the shared inflater was reset after the failure");
    }

    private static TextWebSocketFrame compressedText(String text) {
        return new TextWebSocketFrame(true, WebSocketExtension.RSV1,
                Unpooled.wrappedBuffer(ClientFrame.deflatedText(text.getBytes(StandardCharsets.UTF_8)).payload()));
    }

    private static String readText(EmbeddedChannel channel) {
        WebSocketFrame frame = channel.readInbound();
        try {
            assertEquals(0, frame.rsv(), "RSV1 cleared");
            return frame.content().toString(StandardCharsets.UTF_8);
        } finally {
            frame.release();
        }
    }
}
