package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.badinput.ClientFrame;
import io.crier.protocol.ClientCommands;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate on the whole pipeline, seen on the wire by a client that offers it and inflates with
 * the JDK's own {@link Inflater}: small frames go out uncompressed, large ones compressed, compressed
 * commands are understood, and a decompression bomb is closed with 1009.
 */
class CompressionTest {

    private static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";

    /** One frame from the server, with its RSV1 bit (set = compressed). */
    private record Frame(boolean rsv1, int opcode, byte[] payload) {
    }

    private TestNode node = TestNode.create(Map.of("CRIER_COMPRESSION_ENABLED", "true",
            "CRIER_COMPRESSION_MIN_BYTES", "512"));
    private EmbeddedChannel channel = node.connection();
    private final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(true));
    private final ByteBuf received = Unpooled.buffer();
    private final Inflater inflater = new Inflater(true);

    @AfterEach
    void tearDown() {
        inflater.end();
        received.release();
        encoder.finishAndReleaseAll();
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void negotiatesPermessageDeflateWhenTheClientOffersIt() {
        String response = upgrade(OFFER);
        assertTrue(response.startsWith("HTTP/1.1 101"), response);
        assertTrue(response.toLowerCase().contains("sec-websocket-extensions: permessage-deflate"), response);
        assertEquals(1.0, node.meters.counter("crier.connections.compressed").count());
    }

    @Test
    void everyAcceptedOfferIsAnsweredWithNoContextTakeoverBothWays() {
        String response = upgrade(OFFER).toLowerCase();
        assertTrue(response.contains("permessage-deflate"), response);
        assertTrue(response.contains("server_no_context_takeover"), "each message compressed on its own: " + response);
        assertTrue(response.contains("client_no_context_takeover"), "the client's too: " + response);
    }

    @Test
    void anOfferForASmallerServerWindowIsDeclinedAndServedUncompressed() {
        String response = upgrade("Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n");
        assertTrue(response.startsWith("HTTP/1.1 101"), response);
        assertFalse(response.toLowerCase().contains("permessage-deflate"), "the JDK's zlib has one window: " + response);
        assertEquals(0.0, node.meters.counter("crier.connections.compressed").count());
    }

    @Test
    void compressedPublicationsAndRepliesInterleavedReadRightWithOneInflaterKeptAcrossMessages() throws Exception {
        // A browser inflates every message with one inflater and its window: since the node compresses each message
        // on its own, the fan-out's shared frames and the connection's own replies may come in any order.
        // Replies and pushes of 16 bytes and more compressed too, by the connection's (shared) encoder.
        channel.finishAndReleaseAll();
        node.close();
        node = TestNode.create(Map.of("CRIER_COMPRESSION_ENABLED", "true", "CRIER_COMPRESSION_MIN_BYTES", "16"));
        channel = node.connection();
        upgrade(OFFER);
        send(text(ClientCommands.auth(1, TestNode.token("alice"))));
        Frame welcome = receive().get(0);
        assertTrue(welcome.rsv1(), "the welcome push compressed by the connection's encoder");
        assertTrue(inflate(welcome.payload()).startsWith("{\"type\":\"welcome\""));
        send(text(ClientCommands.subscribe(2, "deflate.mix")));
        receive();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String data = "\"" + ("round " + i + " compressible ").repeat(60) + "\"";
            send(text(ClientCommands.publish(10 + i, "deflate.mix", data)));
            expected.add("{\"type\":\"message\",\"topic\":\"deflate.mix\",\"data\":" + data + "}");
        }
        List<String> texts = new ArrayList<>();
        for (Frame frame : receive()) {
            String text = frame.rsv1() ? inflate(frame.payload()) : new String(frame.payload(), StandardCharsets.UTF_8);
            assertTrue(frame.rsv1() || !text.contains("\"type\":\"message\""), "publications go compressed");
            texts.add(text);
        }
        assertTrue(texts.containsAll(expected), texts.toString());
        assertTrue(texts.contains("{\"type\":\"ok\",\"id\":11}"), texts.toString());
        assertEquals(6, texts.size(), "three publications and three replies: " + texts);
    }

    @Test
    void smallFramesGoOutUncompressedAndLargeOnesCompressedWithTheSameText() throws Exception {
        upgrade(OFFER);
        send(text(ClientCommands.auth(1, TestNode.token("alice"))));
        List<Frame> welcome = receive();
        assertFalse(welcome.get(0).rsv1(), "the welcome push is under minBytes");
        assertTrue(new String(welcome.get(0).payload(), StandardCharsets.UTF_8).startsWith("{\"type\":\"welcome\""));
        send(text(ClientCommands.subscribe(2, "deflate.big")));
        receive();
        String data = "\"" + "compressible ".repeat(200) + "\"";
        send(text(ClientCommands.publish(3, "deflate.big", data)));
        List<String> texts = new ArrayList<>();
        for (Frame frame : receive()) {
            String text = frame.rsv1() ? inflate(frame.payload()) : new String(frame.payload(), StandardCharsets.UTF_8);
            if (text.contains("\"type\":\"message\"")) {
                assertTrue(frame.rsv1(), "the message push is over minBytes");
                assertTrue(frame.payload().length < text.length() / 4, "it really is compressed");
            } else {
                assertFalse(frame.rsv1(), "a small reply: " + text);
            }
            texts.add(text);
        }
        assertTrue(texts.contains("{\"type\":\"message\",\"topic\":\"deflate.big\",\"data\":" + data + "}"),
                texts.toString());
    }

    @Test
    void understandsCompressedCommands() throws Exception {
        upgrade(OFFER);
        String auth = ClientCommands.auth(1, TestNode.token("alice"));
        send(compressed(auth.getBytes(StandardCharsets.UTF_8)));
        List<Frame> frames = receive();
        assertTrue(new String(frames.get(0).payload(), StandardCharsets.UTF_8).startsWith("{\"type\":\"welcome\""));
    }

    @Test
    void aDecompressionBombIsClosedWith1009() {
        upgrade(OFFER);
        byte[] spaces = new byte[10 * 1024 * 1024];
        Arrays.fill(spaces, (byte) ' ');
        TextWebSocketFrame bomb = compressed(spaces);
        assertTrue(bomb.content().readableBytes() < node.config.limits().maxMessageBytes(), "the frame itself is small");
        send(bomb);
        List<Frame> frames = receive();
        Frame last = frames.get(frames.size() - 1);
        assertEquals(8, last.opcode(), frames.toString());
        assertEquals(1009, ((last.payload()[0] & 0xff) << 8) | (last.payload()[1] & 0xff));
        assertFalse(channel.isOpen());
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "message_too_big").count());
    }

    @Test
    void anUncompressedClientIsServedUncompressed() {
        String response = upgrade("");
        assertFalse(response.toLowerCase().contains("permessage-deflate"), response);
        send(text(ClientCommands.auth(1, TestNode.token("alice"))));
        assertFalse(receive().get(0).rsv1());
        assertEquals(0.0, node.meters.counter("crier.connections.compressed").count());
    }

    @Test
    void aReservedBitWithoutTheExtensionClosesWith1002() {
        upgrade("");
        send(new TextWebSocketFrame(true, WebSocketExtension.RSV1, Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8)));
        List<Frame> frames = receive();
        Frame last = frames.get(frames.size() - 1);
        assertEquals(1002, ((last.payload()[0] & 0xff) << 8) | (last.payload()[1] & 0xff));
    }

    @Test
    void aReservedBitOnAContinuationOrAPingClosesWith1002EvenWithDeflateNegotiated() {
        upgrade(OFFER);
        send(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("{\"type\":", StandardCharsets.UTF_8)));
        send(new ContinuationWebSocketFrame(true, WebSocketExtension.RSV2,
                Unpooled.copiedBuffer("\"ping\",\"id\":1}", StandardCharsets.UTF_8)));
        List<Frame> frames = receive();
        Frame last = frames.get(frames.size() - 1);
        assertEquals(1002, ((last.payload()[0] & 0xff) << 8) | (last.payload()[1] & 0xff));
        assertEquals(1.0, node.meters.counter("crier.disconnects", "reason", "protocol_error").count());
    }

    @Test
    void aCompressedCommandInFragmentsIsUnderstoodAndRsv1OnItsContinuationClosesWith1002() throws Exception {
        upgrade(OFFER);
        byte[] auth = ClientFrame.deflatedText(ClientCommands.auth(1, TestNode.token("alice"))
                .getBytes(StandardCharsets.UTF_8)).payload();
        int half = auth.length / 2;
        send(new TextWebSocketFrame(false, WebSocketExtension.RSV1, Unpooled.wrappedBuffer(auth, 0, half)));
        send(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(auth, half, auth.length - half)));
        Frame welcome = receive().get(0);
        String text = welcome.rsv1() ? inflate(welcome.payload()) : new String(welcome.payload(), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\"type\":\"welcome\""), text);

        byte[] ping = ClientFrame.deflatedText("{\"type\":\"ping\",\"id\":2}".getBytes(StandardCharsets.UTF_8))
                .payload();
        send(new TextWebSocketFrame(false, WebSocketExtension.RSV1, Unpooled.wrappedBuffer(ping, 0, 3)));
        send(new ContinuationWebSocketFrame(true, WebSocketExtension.RSV1,
                Unpooled.wrappedBuffer(ping, 3, ping.length - 3)));
        List<Frame> frames = receive();
        Frame last = frames.get(frames.size() - 1);
        assertEquals(8, last.opcode(), frames.toString());
        assertEquals(1002, ((last.payload()[0] & 0xff) << 8) | (last.payload()[1] & 0xff));
    }

    @Test
    void aReservedBitOnAPingClosesWith1002() {
        upgrade(OFFER);
        send(new PingWebSocketFrame(true, WebSocketExtension.RSV1, Unpooled.wrappedBuffer(new byte[] {1})));
        List<Frame> frames = receive();
        assertEquals(List.of(8), frames.stream().map(Frame::opcode).toList(), "a close frame and no pong");
        assertEquals(1002, ((frames.get(0).payload()[0] & 0xff) << 8) | (frames.get(0).payload()[1] & 0xff));
    }

    private String upgrade(String extraHeaders) {
        String request = "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        collect();
        String head = received.toString(StandardCharsets.US_ASCII);
        received.clear();
        return head;
    }

    private static TextWebSocketFrame text(String text) {
        return new TextWebSocketFrame(text);
    }

    /** A text frame with RSV1 set whose payload is {@code bytes} deflated (RFC 7692: the 4-byte tail cut). */
    private static TextWebSocketFrame compressed(byte[] bytes) {
        return new TextWebSocketFrame(true, WebSocketExtension.RSV1, Unpooled.wrappedBuffer(ClientFrame.deflatedText(bytes).payload()));
    }

    private String inflate(byte[] payload) throws DataFormatException {
        return new String(ClientInflate.message(inflater, payload), StandardCharsets.UTF_8);
    }

    private void send(WebSocketFrame frame) {
        encoder.writeOutbound(frame);
        for (Object bytes; (bytes = encoder.readOutbound()) != null; ) {
            channel.writeInbound(bytes);
        }
    }

    private List<Frame> receive() {
        channel.runPendingTasks();
        collect();
        List<Frame> frames = new ArrayList<>();
        while (received.readableBytes() >= 2) {
            received.markReaderIndex();
            int first = received.readUnsignedByte();
            int length = received.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = received.readUnsignedShort();
            } else if (length == 127) {
                length = (int) received.readLong();
            }
            if (received.readableBytes() < length) {
                received.resetReaderIndex();
                break;
            }
            byte[] payload = new byte[length];
            received.readBytes(payload);
            frames.add(new Frame((first & 0x40) != 0, first & 0x0f, payload));
        }
        received.discardReadBytes();
        return frames;
    }

    private void collect() {
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) out;
            received.writeBytes(buf);
            buf.release();
        }
    }
}
