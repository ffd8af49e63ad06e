package io.crier.gateway.transport;

import io.crier.gateway.limits.CommandRateLimiter;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.CloseCode;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.Malformed;
import io.crier.protocol.Reply;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.Objects;

/**
 * Rate-limits the commands of each connection with its {@link CommandRateLimiter} (shared with
 * {@code control-limits}) through the node's {@link CommandBudget}, before they reach
 * {@code auth} or {@code session}. Every inbound envelope takes a token: commands, including {@code auth}
 * itself (so that nobody can spam token checks), and malformed frames (decoding them costs the node too).
 * One that finds no token is not executed and gets an error reply {@code rate_limited}
 * ({@link ErrorCode#RATE_LIMITED}, with its id when it had one); {@code limits.floodDisconnectAfter} of
 * those in a row close the connection with {@link CloseCode#COMMAND_FLOOD} (4502). Both are counted
 * ({@link MeterCatalog#COMMANDS_RATE_LIMITED}; the close in {@link MeterCatalog#DISCONNECTS}).
 *
 * <p>Outbound, it counts every error reply by code ({@link MeterCatalog#COMMAND_ERRORS}), which is how limit
 * replies such as {@code too_many_topics} and {@code too_large} are counted.
 *
 * <p>One per node, {@link ChannelHandler.Sharable}: the bucket is the connection's ({@link Connection#commandBucket});
 * each call runs on the channel's event loop.
 */
@ChannelHandler.Sharable
public final class CommandLimitsHandler extends ChannelDuplexHandler {

    private final CommandBudget budget;

    CommandLimitsHandler(CommandBudget budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        CommandId id;
        if (msg instanceof Command command) {
            id = command.id();
        } else if (msg instanceof Malformed malformed) {
            id = malformed.id();
        } else {
            ctx.fireChannelRead(msg);
            return;
        }
        switch (budget.take(ctx.channel())) {
            case ALLOW -> ctx.fireChannelRead(msg);
            case LIMIT -> {
                budget.meters().commandError(ErrorCode.RATE_LIMITED);
                ctx.writeAndFlush(new Reply.Error(id, ErrorCode.RATE_LIMITED, "rate limited, slow down"));
            }
            case FLOOD -> {
                // The budget has closed the connection: the disconnect push is the answer.
            }
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Reply.Error error) {
            budget.meters().commandError(error.code());
        } else if (msg instanceof Reply.Refused) {
            budget.meters().commandError(ErrorCode.REFUSED);
        }
        ctx.write(msg, promise);
    }
}
