package io.crier.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes a server's text frame once, for {@link NettyFanout}: FIN + text opcode, the payload length in
 * RFC 6455's shortest form, no mask (a server never masks), then the payload. Written to a channel as a plain
 * {@code ByteBuf}, it passes every outbound handler untouched (they encode {@code WebSocketFrame}s only) and
 * reaches the socket as is: the per-subscriber frame encoding and its buffer are saved. Stateless.
 */
final class WebSocketFrames {

    private static final int FIN_TEXT = 0x81;

    private WebSocketFrames() {
    }

    /** A direct buffer holding {@code payload} as one unmasked text frame. */
    static ByteBuf text(ByteBufAllocator allocator, byte[] payload) {
        int length = payload.length;
        int header = headerLength(length);
        ByteBuf frame = allocator.directBuffer(header + length);
        setHeader(frame, 0, FIN_TEXT, length);
        return frame.writerIndex(header).writeBytes(payload);
    }

    /**
     * One session's share of a frame made by {@link #text}: a retained duplicate, released by whoever writes it.
     * A pooled frame's {@code retainedDuplicate()} is recycled, no object per session; but a frame that Netty's leak
     * detector sampled (one in 128 at its default level; every one at {@code paranoid}) comes wrapped, and such a
     * wrapper tracks each pooled duplicate on its own, with a stack trace: a thousand stack traces for a publication
     * to a thousand sessions. A sampled frame's duplicates share its tracker instead ({@code duplicate().retain()}):
     * the frame is still reported if a share is never released, and an unsampled frame costs nothing more.
     */
    static ByteBuf share(ByteBuf frame) {
        return frame.unwrap() == null ? frame.retainedDuplicate() : frame.duplicate().retain();
    }

    /** The length of an unmasked frame's header for a payload of {@code payloadLength} bytes: 2, 4 or 10. */
    static int headerLength(int payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    /**
     * Sets, at {@code index} of {@code frame}, an unmasked frame's header: {@code first} (FIN, RSV and opcode bits),
     * then {@code payloadLength} in RFC 6455's shortest form ({@link #headerLength} bytes in all).
     */
    static void setHeader(ByteBuf frame, int index, int first, int payloadLength) {
        frame.setByte(index, first);
        if (payloadLength < 126) {
            frame.setByte(index + 1, payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            frame.setByte(index + 1, 126);
            frame.setShort(index + 2, payloadLength);
        } else {
            frame.setByte(index + 1, 127);
            frame.setLong(index + 2, payloadLength);
        }
    }
}
