package io.crier.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a test's {@link EmbeddedChannel} wrote, as strings a test compares: a text frame's text, a
 * publication's pre-encoded frame (a plain {@code ByteBuf} from {@link NettyFanout}) as its payload's text,
 * and a close frame as {@code "close CODE REASON"}. Releases everything it reads. Stateless.
 */
final class OutboundFrames {

    private OutboundFrames() {
    }

    /** Every message written so far, in order, released. */
    static List<String> texts(EmbeddedChannel channel) {
        List<String> out = new ArrayList<>();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            try {
                out.add(text(msg));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return out;
    }

    private static String text(Object msg) {
        if (msg instanceof CloseWebSocketFrame close) {
            return "close " + close.statusCode() + " " + close.reasonText();
        }
        if (msg instanceof TextWebSocketFrame text) {
            return text.text();
        }
        ByteBuf payload = retainedPayload((ByteBuf) msg);
        try {
            return payload.toString(StandardCharsets.UTF_8);
        } finally {
            payload.release();
        }
    }

    /** The payload of an unmasked server frame such as {@link WebSocketFrames#text} makes, as a retained slice. */
    static ByteBuf retainedPayload(ByteBuf frame) {
        int marker = frame.getUnsignedByte(frame.readerIndex() + 1) & 0x7f;
        int header = marker < 126 ? 2 : marker == 126 ? 4 : 10;
        return frame.retainedSlice(frame.readerIndex() + header, frame.readableBytes() - header);
    }
}
