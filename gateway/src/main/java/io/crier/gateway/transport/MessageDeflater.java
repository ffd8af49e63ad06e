package io.crier.gateway.transport;

import io.crier.gateway.config.CompressionConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * Compresses one message as a self-contained permessage-deflate message (RFC 7692, 7.2.1): raw deflate with a
 * sync flush, its closing {@code 00 00 FF FF} removed, the compressor reset afterwards. A message compressed so
 * depends on no message before it, which the node promises by answering every offer with {@code
 * server_no_context_takeover} ({@link PerMessageDeflate}): the same compressed bytes can then go to every
 * subscriber, and no connection keeps a compressor of its own.
 *
 * <p>Each thread that compresses (event loops, broker threads) keeps one {@link Deflater} here, reset after each
 * message; a thread's deflater is ended when the thread ends. Messages under {@code compression.minBytes}, and
 * those that deflate would not make smaller, are not compressed ({@code null}): they go out as plain frames,
 * which a client that negotiated permessage-deflate reads as well.
 *
 * <p>Thread-safe: one per node.
 */
public final class MessageDeflater {

    /** FIN, RSV1 (compressed) and the text opcode. */
    private static final int FIN_RSV1_TEXT = 0xC1;
    /** The longest frame header of a server frame: two bytes and a 64-bit length. */
    private static final int MAX_HEADER = WebSocketFrames.headerLength(Integer.MAX_VALUE);
    /** What a sync flush ends with; RFC 7692 has the sender remove it. */
    private static final int TAIL_LENGTH = 4;

    private final int minBytes;
    private final FastThreadLocal<Deflater> deflaters;

    MessageDeflater(CompressionConfig config) {
        this.minBytes = config.minBytes();
        int level = config.level();
        this.deflaters = new FastThreadLocal<>() {
            @Override
            protected Deflater initialValue() {
                return new Deflater(level, true);
            }

            @Override
            protected void onRemoval(Deflater deflater) {
                deflater.end();
            }
        };
    }

    /**
     * {@code payload} compressed as the payload of one message (the frame's content, without a header), in a buffer
     * from {@code allocator}; null when it is under {@code minBytes} or would not get smaller. Reads {@code payload}
     * without moving its reader index.
     */
    ByteBuf deflate(ByteBufAllocator allocator, ByteBuf payload) {
        return compress(allocator, payload.nioBuffer(), payload.readableBytes(), 0);
    }

    /**
     * {@code payload} compressed and framed as one unmasked text frame with RSV1 set (a server's compressed
     * message, ready for the socket like {@link WebSocketFrames#text}); null when it is under {@code minBytes} or
     * would not get smaller.
     */
    ByteBuf textFrame(ByteBufAllocator allocator, byte[] payload) {
        ByteBuf frame = compress(allocator, ByteBuffer.wrap(payload), payload.length, MAX_HEADER);
        if (frame == null) {
            return null;
        }
        // The header goes right before the compressed bytes, in the room left for the longest one.
        int length = frame.readableBytes() - MAX_HEADER;
        int at = MAX_HEADER - WebSocketFrames.headerLength(length);
        WebSocketFrames.setHeader(frame, at, FIN_RSV1_TEXT, length);
        return frame.readerIndex(at);
    }

    /** Whether {@code out} ends with the empty stored block a sync flush writes, {@code 00 00 FF FF}. */
    private static boolean endsWithSyncFlush(ByteBuf out) {
        int end = out.writerIndex();
        return end - out.readerIndex() >= TAIL_LENGTH && out.getInt(end - TAIL_LENGTH) == 0x0000FFFF;
    }

    /**
     * Deflates {@code input} ({@code length} bytes) into a direct buffer after {@code headroom} bytes of room; null
     * when {@code length} is under {@code minBytes} or the result is not smaller than the input.
     */
    private ByteBuf compress(ByteBufAllocator allocator, ByteBuffer input, int length, int headroom) {
        if (length < minBytes || length == 0) {
            return null;
        }
        Deflater deflater = deflaters.get();
        // Deflate's worst case is a few bytes per 16 KB block over the input; the buffer grows if need be.
        ByteBuf out = allocator.directBuffer(headroom + length / 2 + 64);
        boolean done = false;
        try {
            out.writerIndex(headroom);
            deflater.setInput(input);
            while (true) {
                out.ensureWritable(Math.max(64, length / 4));
                ByteBuffer window = out.nioBuffer(out.writerIndex(), out.writableBytes());
                int written = deflater.deflate(window, Deflater.SYNC_FLUSH);
                out.writerIndex(out.writerIndex() + written);
                if (written < window.capacity() && deflater.needsInput()) {
                    break; // the whole input is in, flushed to a byte boundary
                }
            }
            int compressed = out.readableBytes() - headroom - TAIL_LENGTH;
            if (compressed >= length || !endsWithSyncFlush(out)) {
                return null;
            }
            out.writerIndex(out.writerIndex() - TAIL_LENGTH);
            done = true;
            return out;
        } finally {
            deflater.reset();
            if (!done) {
                out.release();
            }
        }
    }
}
