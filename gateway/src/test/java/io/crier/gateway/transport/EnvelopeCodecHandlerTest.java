package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.crier.protocol.ClientCommands;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.Malformed;
import io.crier.protocol.Push;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnvelopeCodecHandlerTest {

    private static final String SUBSCRIBE = ClientCommands.subscribe(2, "news");

    private final TestNode node = TestNode.create();
    private final EmbeddedChannel channel = new EmbeddedChannel(node.shared.envelopes());

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        node.close();
    }

    @Test
    void decodesATextFrameOnAHeapBufferAndReleasesIt() {
        TextWebSocketFrame frame = new TextWebSocketFrame(Unpooled.copiedBuffer("xx" + SUBSCRIBE, StandardCharsets.UTF_8));
        frame.content().skipBytes(2);
        channel.writeInbound(frame);
        assertEquals(new Command.Subscribe(CommandId.of(2), "news"), channel.readInbound());
        assertEquals(0, frame.refCnt());
    }

    @Test
    void decodesATextFrameOnADirectBufferAndReleasesIt() {
        ByteBuf direct = Unpooled.directBuffer().writeBytes(SUBSCRIBE.getBytes(StandardCharsets.UTF_8));
        TextWebSocketFrame frame = new TextWebSocketFrame(direct);
        channel.writeInbound(frame);
        assertEquals(new Command.Subscribe(CommandId.of(2), "news"), channel.readInbound());
        assertEquals(0, frame.refCnt());
    }

    @Test
    void directFramesOneAfterAnotherKeepNothingOfTheFrameBefore() {
        String longData = "\"" + "x".repeat(EnvelopeCodecHandler.SCRATCH_BYTES / 2) + "\"";
        channel.writeInbound(direct(ClientCommands.publish(4, "news", longData)));
        Command.Publish first = assertInstanceOf(Command.Publish.class, channel.readInbound());

        channel.writeInbound(direct(SUBSCRIBE));
        channel.writeInbound(direct(ClientCommands.publish(5, "news", "{\"k\":1}")));

        assertEquals(new Command.Subscribe(CommandId.of(2), "news"), channel.readInbound());
        assertEquals(new Command.Publish(CommandId.of(5), "news", RawJson.trusted("{\"k\":1}")), channel.readInbound());
        assertEquals(longData, first.data().text()); // the first command's data was copied out of the scratch array
    }

    @Test
    void decodesADirectFrameLargerThanTheScratchArray() {
        String data = "\"" + "y".repeat(EnvelopeCodecHandler.SCRATCH_BYTES * 2) + "\"";
        channel.writeInbound(direct(ClientCommands.publish(6, "news", data)));

        assertEquals(new Command.Publish(CommandId.of(6), "news", RawJson.trusted(data)), channel.readInbound());
    }

    private static TextWebSocketFrame direct(String text) {
        return new TextWebSocketFrame(Unpooled.directBuffer().writeBytes(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void passesMalformedFramesOnAndCountsThem() {
        channel.writeInbound(new TextWebSocketFrame("{not json"));
        Malformed malformed = assertInstanceOf(Malformed.class, channel.readInbound());
        assertEquals(ErrorCode.BAD_JSON, malformed.code());
        assertEquals(1.0, node.meters.counter("crier.frames.malformed", "code", "bad_json").count());
    }

    @Test
    void disconnectsABinaryFrameWithCode1003AndNoDisconnectPush() {
        Connection.of(channel).completeUpgrade(false);
        BinaryWebSocketFrame binary = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2}));
        channel.writeInbound(binary);
        assertEquals(0, binary.refCnt());
        assertNull(channel.readInbound());
        CloseWebSocketFrame close = channel.readOutbound();
        assertEquals(1003, close.statusCode());
        assertEquals("binary_not_supported", close.reasonText());
        close.release();
        assertNull(channel.readOutbound());
        assertFalse(channel.isActive());
    }

    @Test
    void dropsTextFramesOnceTheServerIsClosingTheConnection() {
        ChannelAttributes.claimClose(channel, "test");
        TextWebSocketFrame frame = new TextWebSocketFrame(SUBSCRIBE);
        channel.writeInbound(frame);
        assertNull(channel.readInbound());
        assertEquals(0, frame.refCnt());
    }

    @Test
    void encodesRepliesAndPushesAsTextFrames() {
        channel.writeOutbound(new Reply.Error(CommandId.ofString("a"), ErrorCode.FORBIDDEN, "no"));
        channel.writeOutbound(new Push.Message("news", RawJson.trusted("[1]")));
        assertEquals("{\"type\":\"error\",\"id\":\"a\",\"code\":\"forbidden\",\"message\":\"no\"}", readText());
        assertEquals("{\"type\":\"message\",\"topic\":\"news\",\"data\":[1]}", readText());
    }

    @Test
    void passesFramesThroughOutbound() {
        PingWebSocketFrame ping = new PingWebSocketFrame();
        channel.writeOutbound(ping);
        assertSame(ping, channel.readOutbound());
        ping.release();
    }

    private String readText() {
        TextWebSocketFrame frame = channel.readOutbound();
        try {
            return frame.text();
        } finally {
            frame.release();
        }
    }
}
