package io.crier.gateway.transport;

import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.crier.gateway.auth.TokenVerifier;
import io.crier.gateway.auth.User;
import io.crier.protocol.CloseCode;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.Malformed;
import io.crier.protocol.Reply;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The authentication phase of a connection. After the upgrade ({@link ConnectionEvent.UpgradeCompleted}) it
 * either welcomes the user the handshake guard already authenticated by header, or waits for an {@code auth}
 * command until the deadline ({@link CloseCode#AUTH_TIMEOUT} when it passes). A valid token opens the session:
 * {@code welcome} push, {@code ok} reply, the token's expiry timers start ({@link ChannelTokenExpiry}), this
 * handler replaces itself with a {@link SessionHandler}, and {@link ConnectionEvent.SessionOpened} tells the
 * pipeline. An {@code auth} without a token opens an anonymous session when the policy allows it. An expired
 * token (that breaks no other rule) disconnects with {@link CloseCode#TOKEN_EXPIRED}, which lets the client come
 * back with a fresh one; any other invalid (or, when anonymous sessions are not allowed, missing) token with
 * {@link CloseCode#INVALID_TOKEN}, which is final; a revoked token (or a user whose older tokens were invalidated)
 * with {@link CloseCode#REVOKED}, a blocked user with {@link CloseCode#BLOCKED}, both final. Either way the reason goes on the connection's
 * {@code disconnected} line ({@link Connection#tokenRefused}), never the token. Any other command gets a
 * {@code not_authenticated} error reply and the socket stays open. A user who already holds
 * {@code limits.maxConnectionsPerUser} connections is disconnected with {@link CloseCode#CONNECTION_LIMIT}.
 *
 * <p>Per connection; confined to the channel's event loop.
 */
public final class AuthHandler extends ChannelInboundHandlerAdapter {

    private final TokenVerifier verifier;
    private final SessionFactory sessions;
    private final Disconnector disconnector;
    private final Duration authTimeout;
    private ScheduledFuture<?> deadline;

    public AuthHandler(TokenVerifier verifier, SessionFactory sessions, Disconnector disconnector,
                       Duration authTimeout) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
        this.authTimeout = Objects.requireNonNull(authTimeout, "authTimeout");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ctx.fireUserEventTriggered(evt);
        if (evt instanceof ConnectionEvent.UpgradeCompleted upgrade) {
            if (upgrade.bearerUser() != null) {
                open(ctx, upgrade.bearerUser(), null);
            } else {
                deadline = ctx.executor().schedule(() -> expire(ctx), authTimeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Command.Auth auth) {
            authenticate(ctx, auth);
        } else if (msg instanceof Command command) {
            ctx.writeAndFlush(new Reply.Error(command.id(), ErrorCode.NOT_AUTHENTICATED,
                    "send an auth command first"));
        } else if (msg instanceof Malformed malformed) {
            ctx.writeAndFlush(malformed.toReply());
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    private void authenticate(ChannelHandlerContext ctx, Command.Auth auth) {
        if (auth.anonymous()) {
            if (sessions.policy().allowAnonymous()) {
                open(ctx, User.ANONYMOUS, auth.id());
            } else {
                refuse(ctx, Reason.MISSING_TOKEN);
            }
            return;
        }
        User user;
        try {
            user = verifier.verify(auth.token());
        } catch (InvalidTokenException e) {
            refuse(ctx, e.reason());
            return;
        }
        open(ctx, user, auth.id());
    }

    /**
     * Closes a connection whose token was refused. The client learns only "expired" (4004: a fresh token will do)
     * or "invalid" (4500: final); the exact reason goes to the lifecycle log and the verifier's meter.
     */
    private void refuse(ChannelHandlerContext ctx, Reason reason) {
        cancelDeadline();
        Connection.of(ctx.channel()).tokenRefused(reason.tag());
        disconnector.disconnect(ctx.channel(), switch (reason) {
            case EXPIRED -> CloseCode.TOKEN_EXPIRED;
            case REVOKED -> CloseCode.REVOKED;
            case BLOCKED -> CloseCode.BLOCKED;
            default -> CloseCode.INVALID_TOKEN;
        });
    }

    private void open(ChannelHandlerContext ctx, User user, CommandId authId) {
        cancelDeadline();
        Connection connection = Connection.of(ctx.channel());
        if (!connection.bindUser(user)) {
            // The user holds limits.maxConnectionsPerUser connections already: counted by the Disconnector.
            disconnector.disconnect(ctx.channel(), CloseCode.CONNECTION_LIMIT);
            return;
        }
        SessionFactory.Opened opened = sessions.open(user, ctx.channel());
        connection.attach(new ChannelLiveSession(opened.session(), ctx.channel(), disconnector));
        ConnectionEvent.fire(ctx.channel(), connection.openSession(opened.session().id(), user));
        ctx.write(opened.welcome());
        if (authId != null) {
            ctx.write(new Reply.Ok(authId));
        }
        ctx.flush();
        ChannelTokenExpiry.watch(opened.session(), ctx.channel(), disconnector, sessions.policy().expiry());
        ctx.pipeline().replace(this, PipelineNames.SESSION, new SessionHandler(opened.session(), sessions));
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        disconnector.disconnect(ctx.channel(), CloseCode.AUTH_TIMEOUT);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
