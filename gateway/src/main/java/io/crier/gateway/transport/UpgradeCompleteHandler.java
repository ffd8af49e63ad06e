package io.crier.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;

/**
 * {@code upgrade-complete}: the one place that notices a completed WebSocket upgrade. Netty fires its
 * {@link HandshakeComplete} from the handshake handler it puts before {@code ws-protocol}, so the handlers of the
 * handshake phase, all before it, never hear it; this handler, right after {@code ws-protocol}, moves the
 * {@link Connection} on ({@link Connection#completeUpgrade}) and fires the resulting
 * {@link ConnectionEvent.UpgradeCompleted} from the pipeline's head, so that every handler hears it. Then it
 * removes itself and passes Netty's event on.
 *
 * <p>Whether permessage-deflate was negotiated is read from the pipeline: Netty's compression handler adds its
 * frame encoder once the {@code 101} response is written, before the handshake completes.
 *
 * <p>Stateless: one instance for every connection, {@link Sharable}.
 */
@ChannelHandler.Sharable
final class UpgradeCompleteHandler extends ChannelInboundHandlerAdapter {

    static final UpgradeCompleteHandler INSTANCE = new UpgradeCompleteHandler();

    private UpgradeCompleteHandler() {
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HandshakeComplete) {
            boolean deflate = ctx.pipeline().get(WebSocketExtensionEncoder.class) != null;
            ctx.pipeline().remove(ctx.name());
            complete(ctx.channel(), deflate);
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Moves the connection of {@code channel} on to {@link Connection.Phase#UPGRADED} and fires
     * {@link ConnectionEvent.UpgradeCompleted} from the head of its pipeline; on the channel's event loop.
     */
    static void complete(Channel channel, boolean deflate) {
        ConnectionEvent.fire(channel, Connection.of(channel).completeUpgrade(deflate));
    }
}
