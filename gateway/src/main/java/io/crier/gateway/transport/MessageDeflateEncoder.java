package io.crier.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import java.util.List;
import java.util.Objects;

/**
 * The permessage-deflate encoder of every compressed connection: a whole text or binary message (one final frame)
 * with RSV1 clear is compressed by the node's {@link MessageDeflater}, each message on its own, and goes out with
 * RSV1 set; one under {@code compression.minBytes}, or that deflate would not make smaller, goes out as it is.
 * Fragmented messages and control frames pass untouched (the node writes neither compressed). A frame that
 * already has RSV1 set is compressed already and passes too.
 *
 * <p>It holds no compressor of its own, so one instance serves the node ({@link Sharable}): a compressed
 * connection costs no deflater, which the node's answer {@code server_no_context_takeover} allows.
 */
@ChannelHandler.Sharable
final class MessageDeflateEncoder extends WebSocketExtensionEncoder {

    private final MessageDeflater deflater;

    MessageDeflateEncoder(MessageDeflater deflater) {
        this.deflater = Objects.requireNonNull(deflater, "deflater");
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame)
                && ((WebSocketFrame) msg).isFinalFragment()
                && (((WebSocketFrame) msg).rsv() & WebSocketExtension.RSV1) == 0;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        ByteBuf compressed = deflater.deflate(ctx.alloc(), frame.content());
        if (compressed == null) {
            out.add(frame.retain());
            return;
        }
        int rsv = frame.rsv() | WebSocketExtension.RSV1;
        out.add(frame instanceof TextWebSocketFrame
                ? new TextWebSocketFrame(true, rsv, compressed)
                : new BinaryWebSocketFrame(true, rsv, compressed));
    }
}
