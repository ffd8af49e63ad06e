package io.crier.gateway.transport;

import io.crier.protocol.CloseCode;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Objects;

/**
 * Closes with {@link CloseCode#PROTOCOL_ERROR} (1002) a frame whose RSV bits no negotiated extension
 * explains. Netty's frame decoder must let RSV bits through once permessage-deflate may be negotiated,
 * for every connection alike; this handler sits after the deflate decoder (which clears RSV1 on the frames
 * it inflates), so any bit still set here, on any frame (continuations and control frames included), is
 * one the client had no right to set. Added only when {@code compression.enabled}; otherwise the frame
 * decoder refuses every RSV bit itself.
 *
 * <p>Stateless: one instance per node, {@link Sharable}.
 */
@ChannelHandler.Sharable
public final class ReservedBitsHandler extends ChannelInboundHandlerAdapter {

    private final Disconnector disconnector;

    public ReservedBitsHandler(Disconnector disconnector) {
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame frame && frame.rsv() != 0) {
            frame.release();
            disconnector.disconnect(ctx.channel(), CloseCode.PROTOCOL_ERROR);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
