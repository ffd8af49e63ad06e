package io.crier.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The permessage-deflate decoder of a compressed connection whose client was told {@code client_no_context_takeover}
 * ({@link PerMessageDeflate}): each message it sends is compressed on its own, so a message in one frame is
 * inflated by the node's shared inflater of the thread ({@link Shared}, reset after each message) and the connection
 * keeps none. A message split into fragments gets an inflater of its own for as long as its fragments come (another
 * connection of the same event loop may use the shared one between them), ended with its last fragment.
 *
 * <p>Bounded: a message may inflate to at most {@code limits.maxMessageBytes}; past that, a {@link
 * DecompressionException} whose message starts as Netty's does ({@link PerMessageDeflate#closeCodeOf}: close 1009);
 * data that is not a deflate stream, another (close 1002). Frames without RSV1 pass untouched.
 *
 * <p>Not thread-safe: one per connection, on its event loop; it holds a field, null unless a compressed message is
 * coming in fragments.
 */
final class MessageInflateDecoder extends WebSocketExtensionDecoder {

    /** What a sync flush ends with; RFC 7692 has the sender remove it and the receiver put it back. */
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final Shared shared;
    /** The inflater of the compressed message now coming in fragments, or null. */
    private Inflater fragmented;
    /** What that message has inflated to so far. */
    private long fragmentedBytes;

    MessageInflateDecoder(Shared shared) {
        this.shared = shared;
    }

    /** Each thread's inflater for whole messages, and the bound; one per node. Thread-safe. */
    static final class Shared {

        private final int maxMessageBytes;
        private final FastThreadLocal<Inflater> inflaters = new FastThreadLocal<>() {
            @Override
            protected Inflater initialValue() {
                return new Inflater(true);
            }

            @Override
            protected void onRemoval(Inflater inflater) {
                inflater.end();
            }
        };

        /** @param maxMessageBytes the most one message may inflate to ({@code limits.maxMessageBytes}) */
        Shared(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
        }
    }

    @Override
    public boolean acceptInboundMessage(Object msg) {
        if (msg instanceof ContinuationWebSocketFrame) {
            return fragmented != null;
        }
        return (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame)
                && (((WebSocketFrame) msg).rsv() & WebSocketExtension.RSV1) != 0;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        boolean last = frame.isFinalFragment();
        int rsv = frame.rsv() & ~WebSocketExtension.RSV1;
        ByteBuf inflated;
        if (frame instanceof ContinuationWebSocketFrame) {
            inflated = inflate(ctx, fragmented, frame.content(), last, fragmentedBytes);
            fragmentedBytes += inflated.readableBytes();
            if (last) {
                endFragmented();
            }
            // RSV1 belongs on a message's first frame only: one on a continuation stays, for ws-reserved-bits (1002).
            out.add(new ContinuationWebSocketFrame(last, frame.rsv(), inflated));
            return;
        }
        if (last) {
            Inflater inflater = shared.inflaters.get();
            try {
                inflated = inflate(ctx, inflater, frame.content(), true, 0);
            } finally {
                inflater.reset();
            }
        } else {
            fragmented = new Inflater(true);
            fragmentedBytes = 0;
            inflated = inflate(ctx, fragmented, frame.content(), false, 0);
            fragmentedBytes = inflated.readableBytes();
        }
        out.add(frame instanceof TextWebSocketFrame
                ? new TextWebSocketFrame(last, rsv, inflated)
                : new BinaryWebSocketFrame(last, rsv, inflated));
    }

    /**
     * Inflates {@code input} (then, for a message's last frame, the removed tail) into a new buffer; {@code before}
     * bytes of the message were inflated already. Fails, releasing what it made, past the bound or on bad data.
     */
    private ByteBuf inflate(ChannelHandlerContext ctx, Inflater inflater, ByteBuf input, boolean last, long before) {
        ByteBuf out = ctx.alloc().buffer(Math.min(Math.max(input.readableBytes() * 2, 256),
                shared.maxMessageBytes + 1));
        try {
            inflater.setInput(input.nioBuffer());
            drain(inflater, out, before);
            if (last) {
                inflater.setInput(ByteBuffer.wrap(TAIL));
                drain(inflater, out, before);
            }
            return out;
        } catch (DataFormatException e) {
            out.release();
            endFragmented();
            throw new DecompressionException("not a deflate stream: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            out.release();
            endFragmented();
            throw e;
        }
    }

    private void drain(Inflater inflater, ByteBuf out, long before) throws DataFormatException {
        while (true) {
            if (out.writableBytes() == 0) {
                // Room for one byte past the bound at most: that byte is how a message over it shows.
                long room = shared.maxMessageBytes + 1L - before - out.readableBytes();
                if (room <= 0) {
                    throw overTheBound();
                }
                out.ensureWritable((int) Math.min(Math.max(out.capacity(), 256), room));
            }
            int n = inflater.inflate(out.nioBuffer(out.writerIndex(), out.writableBytes()));
            out.writerIndex(out.writerIndex() + n);
            if (before + out.readableBytes() > shared.maxMessageBytes) {
                throw overTheBound();
            }
            if (n == 0) {
                if (inflater.needsDictionary()) {
                    throw new DataFormatException("the stream asks for a preset dictionary");
                }
                if (inflater.needsInput() || inflater.finished()) {
                    return;
                }
            }
        }
    }

    private DecompressionException overTheBound() {
        return new DecompressionException(PerMessageDeflate.OVER_MAX_ALLOCATION + " (" + shared.maxMessageBytes
                + " bytes, limits.maxMessageBytes)");
    }

    private void endFragmented() {
        if (fragmented != null) {
            fragmented.end();
            fragmented = null;
            fragmentedBytes = 0;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        endFragmented();
        super.handlerRemoved(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        endFragmented();
        super.channelInactive(ctx);
    }
}
