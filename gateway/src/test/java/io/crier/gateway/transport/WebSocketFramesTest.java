package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebSocketFramesTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 300000})
    void aPreEncodedFrameDecodesAsOneTextFrameWithThePayloadWhateverItsLengthForm(int length) {
        String text = "x".repeat(length);
        ByteBuf frame = WebSocketFrames.text(ByteBufAllocator.DEFAULT, text.getBytes(StandardCharsets.UTF_8));
        ByteBuf payload = OutboundFrames.retainedPayload(frame);
        assertEquals(text, payload.toString(StandardCharsets.UTF_8), "the slice is the payload");
        payload.release();

        // What a client does with it: Netty's own decoder, expecting unmasked frames as a client must.
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
        assertTrue(client.writeInbound(frame), "a whole frame came out");
        TextWebSocketFrame decoded = client.readInbound();
        assertTrue(decoded.isFinalFragment());
        assertEquals(text, decoded.text());
        decoded.release();
        assertFalse(client.finish(), "nothing else: the frame's length matched its bytes");
    }

    @Test
    void eachShareOfAFrameHoldsItUntilReleasedWhetherOrNotTheLeakDetectorWrappedIt() {
        // Tests run the leak detector at paranoid: every pooled frame comes wrapped, as a sampled one does in
        // production; its unwrapped buffer is what an unsampled frame is.
        ByteBuf wrapped = WebSocketFrames.text(PooledByteBufAllocator.DEFAULT, "hello".getBytes(StandardCharsets.UTF_8));
        assertTrue(wrapped.unwrap() != null, "a pooled buffer under the paranoid leak detector is wrapped");
        for (ByteBuf frame : new ByteBuf[] {wrapped, wrapped.unwrap()}) {
            ByteBuf first = WebSocketFrames.share(frame);
            ByteBuf second = WebSocketFrames.share(frame);
            assertEquals(3, frame.refCnt());
            assertEquals(frame.readableBytes(), first.readableBytes());
            first.skipBytes(2);
            assertEquals(frame.readableBytes() - 2, first.readableBytes(), "each share reads on its own");
            assertEquals(frame.readableBytes(), second.readableBytes());
            assertEquals(frame, second);
            first.release();
            second.release();
            assertEquals(1, frame.refCnt());
        }
        assertTrue(wrapped.release());
    }
}
