package io.crier.gateway.transport;

import io.crier.gateway.limits.CommandRateLimiter;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.CloseCode;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.Objects;

/**
 * The client's control frames, before Netty's WebSocket handler ({@code ws-protocol}) answers them. Charges every
 * ping and pong frame to the connection's command bucket through the node's {@link CommandBudget} (the same bucket as
 * {@code command-limits}'): a ping that
 * finds no token is dropped unanswered (a pong is dropped), and {@code limits.floodDisconnectAfter} of them in a
 * row close the connection with {@link CloseCode#COMMAND_FLOOD} (4502), as for commands. Counted in
 * {@link MeterCatalog#COMMANDS_RATE_LIMITED}. A close frame marks the connection as closing
 * ({@link #PEER_CLOSED}) before {@code ws-protocol} echoes it, so that the fan-out, which writes past
 * {@code ws-protocol}, sends nothing after that echo, and no {@code disconnect} push follows it either.
 *
 * <p>One per node, {@link ChannelHandler.Sharable}: the bucket is the connection's ({@link Connection#commandBucket});
 * each call runs on the channel's event loop.
 */
@ChannelHandler.Sharable
final class ControlFrameLimitsHandler extends ChannelInboundHandlerAdapter {

    /** The closing reason of a connection whose client sent a close frame (as the lifecycle log says). */
    static final String PEER_CLOSED = "peer_closed";

    private final CommandBudget budget;

    ControlFrameLimitsHandler(CommandBudget budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof PingWebSocketFrame) && !(msg instanceof PongWebSocketFrame)) {
            if (msg instanceof CloseWebSocketFrame) {
                ChannelAttributes.claimClose(ctx.channel(), PEER_CLOSED);
            }
            ctx.fireChannelRead(msg);
            return;
        }
        if (budget.take(ctx.channel()) == CommandRateLimiter.Decision.ALLOW) {
            ctx.fireChannelRead(msg);
        } else {
            // No pong for a ping over the bucket; a flood has been closed by the budget.
            ReferenceCountUtil.release(msg);
        }
    }
}
