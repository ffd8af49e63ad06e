package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A WebSocket client on the wire, for {@code EmbeddedChannel} tests of the whole pipeline: it writes the
 * upgrade request and masked frames (made by Netty's client-side encoder) as bytes, and parses every frame
 * the server writes by hand, so that a test sees each close frame the server sends (Netty's own decoder
 * would drop anything after the first). Not thread-safe.
 */
final class WireClient implements AutoCloseable {

    /** One frame from the server. */
    record Frame(int opcode, byte[] payload) {
        static final int TEXT = 1;
        static final int BINARY = 2;
        static final int CLOSE = 8;
        static final int PING = 9;
        static final int PONG = 10;

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        String closeReason() {
            return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    private final EmbeddedChannel server;
    private final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(true));
    private final ByteBuf received = Unpooled.buffer();

    WireClient(EmbeddedChannel server) {
        this.server = server;
    }

    /** Sends the upgrade request with extra header lines (each ending in CRLF); returns the response head. */
    String upgrade(String path, String extraHeaders) {
        String request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
        server.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        return drainText();
    }

    /** Upgrades on {@code /ws} and asserts the 101. */
    void upgrade() {
        String response = upgrade("/ws", "");
        assertTrue(response.startsWith("HTTP/1.1 101"), response);
    }

    /** Sends one frame, masked as a client must; the frame is released. */
    void send(WebSocketFrame frame) {
        encoder.writeOutbound(frame);
        for (Object bytes; (bytes = encoder.readOutbound()) != null; ) {
            server.writeInbound(bytes);
        }
    }

    /** Sends a text frame. */
    void sendText(String text) {
        send(new TextWebSocketFrame(text));
    }

    /** Every complete frame the server wrote since the last call. */
    List<Frame> receive() {
        server.runPendingTasks();
        collect();
        List<Frame> frames = new ArrayList<>();
        while (true) {
            Frame frame = parseOne();
            if (frame == null) {
                return frames;
            }
            frames.add(frame);
        }
    }

    /** The text of every text frame received since the last call. */
    List<String> receiveTexts() {
        List<String> texts = new ArrayList<>();
        for (Frame frame : receive()) {
            if (frame.opcode() == Frame.TEXT) {
                texts.add(frame.text());
            }
        }
        return texts;
    }

    private String drainText() {
        collect();
        String text = received.toString(StandardCharsets.US_ASCII);
        received.clear();
        return text;
    }

    private void collect() {
        for (Object out; (out = server.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) out;
            received.writeBytes(buf);
            buf.release();
        }
    }

    private Frame parseOne() {
        if (received.readableBytes() < 2) {
            return null;
        }
        received.markReaderIndex();
        int first = received.readUnsignedByte();
        int second = received.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126 && received.readableBytes() >= 2) {
            length = received.readUnsignedShort();
        } else if (length == 127 && received.readableBytes() >= 8) {
            length = received.readLong();
        }
        if ((second & 0x80) != 0 || received.readableBytes() < length) {
            received.resetReaderIndex();
            return null;
        }
        byte[] payload = new byte[(int) length];
        received.readBytes(payload);
        received.discardReadBytes();
        return new Frame(first & 0x0f, payload);
    }

    @Override
    public void close() {
        received.release();
        encoder.finishAndReleaseAll();
    }
}
