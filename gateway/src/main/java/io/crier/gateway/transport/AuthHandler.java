package io.crier.gateway.transport;

import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.crier.gateway.auth.TokenVerifier;
import io.crier.gateway.auth.User;
import io.crier.gateway.session.Session;
import io.crier.gateway.proxy.HookAnswer;
import io.crier.gateway.proxy.HookRefresh;
import io.crier.gateway.proxy.HookUsers;
import io.crier.gateway.proxy.ProxyHooks;
import io.crier.gateway.proxy.SessionHooks;
import io.crier.protocol.CloseCode;
import io.crier.protocol.Command;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.HookResponse;
import io.crier.protocol.Malformed;
import io.crier.protocol.Position;
import io.crier.protocol.Reply;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The authentication phase of a connection. After the upgrade ({@link ConnectionEvent.UpgradeCompleted}) it
 * either welcomes the user the handshake guard already authenticated by header, or waits for an {@code auth}
 * command until the deadline ({@link CloseCode#AUTH_TIMEOUT} when it passes). A valid token opens the session:
 * {@code welcome} push, {@code ok} reply, the token's expiry timers start ({@link ChannelLiveSession}), this
 * handler replaces itself with a {@link SessionHandler}, and {@link ConnectionEvent.SessionOpened} tells the
 * pipeline. An {@code auth} without a token opens an anonymous session when the policy allows it. An expired
 * token (that breaks no other rule) disconnects with {@link CloseCode#TOKEN_EXPIRED}, which lets the client come
 * back with a fresh one; any other invalid (or, when anonymous sessions are not allowed, missing) token with
 * {@link CloseCode#INVALID_TOKEN}, which is final; a revoked token (or a user whose older tokens were invalidated)
 * with {@link CloseCode#REVOKED}, a blocked user with {@link CloseCode#BLOCKED}, both final. Either way the reason goes on the connection's
 * {@code disconnected} line ({@link Connection#tokenRefused}), never the token. Any other command gets a
 * {@code not_authenticated} error reply and the socket stays open. A user who already holds
 * {@code limits.maxConnectionsPerUser} connections is disconnected with {@link CloseCode#CONNECTION_LIMIT}. Once
 * open, the session is subscribed to its server-side topics ({@link Session#openServerSubscriptions}), recovering
 * from the {@code auth} command's {@code since}; a user with more of them than {@code session.maxTopics} is
 * refused like an invalid token (4500), and a session whose server-side subscribe fails is closed with
 * {@link CloseCode#INTERNAL_ERROR}.
 *
 * <p>With a connect hook ({@code proxy.connect.url}), an {@code auth} without a token asks the backend instead of the
 * anonymous policy (the auth deadline stops; the hook's own timeout bounds the wait, and commands meanwhile get
 * {@code not_authenticated}): its {@code result} opens the session for the user it describes; its {@code error} gets
 * a {@code refused} reply, then {@link CloseCode#BACKEND_REFUSED}; its {@code disconnect} closes with its own
 * application code and reason (4100-4499, 4600-4999), or, for a code in Crier's ranges, with
 * {@link CloseCode#BACKEND_DISCONNECT} (4000-4099) or {@link CloseCode#BACKEND_REFUSED} (4500-4599); a backend that
 * cannot be asked closes with {@link CloseCode#BACKEND_UNAVAILABLE} and a random {@code reconnectDelayMs}. Every
 * session gets its {@link SessionHooks} for the subscribe, publish and rpc hooks.
 *
 * <p>Per connection; confined to the channel's event loop.
 */
public final class AuthHandler extends ChannelInboundHandlerAdapter {

    private final TokenVerifier verifier;
    private final SessionFactory sessions;
    private final Disconnector disconnector;
    private final Duration authTimeout;
    private ScheduledFuture<?> deadline;
    private boolean asking;

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
                open(ctx, upgrade.bearerUser(), null, false);
            } else {
                deadline = ctx.executor().schedule(() -> expire(ctx), authTimeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Command command && asking) {
            ctx.writeAndFlush(new Reply.Error(command.id(), ErrorCode.NOT_AUTHENTICATED, "authentication in progress"));
        } else if (msg instanceof Command.Auth auth) {
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
        ProxyHooks hooks = sessions.hooks();
        if (auth.anonymous() && hooks.connectEnabled()) {
            cancelDeadline();
            asking = true;
            hooks.connect(auth.data(), Connection.of(ctx.channel()).forwardedHeaders())
                    .thenAcceptAsync(answer -> connectAnswered(ctx, auth, answer), ctx.executor());
            return;
        }
        if (auth.anonymous()) {
            if (sessions.policy().allowAnonymous()) {
                open(ctx, User.ANONYMOUS, auth, false);
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
        open(ctx, user, auth, false);
    }

    /** Acts on the connect hook's answer, on the channel's event loop. */
    private void connectAnswered(ChannelHandlerContext ctx, Command.Auth auth, HookAnswer answer) {
        asking = false;
        if (!ctx.channel().isActive() || ctx.isRemoved()) {
            return;
        }
        Connection connection = Connection.of(ctx.channel());
        if (answer.result() != null) {
            open(ctx, HookUsers.user(answer.result()), auth, true);
        } else if (answer.response() instanceof HookResponse.Error error) {
            connection.tokenRefused("connect_hook_error");
            ctx.writeAndFlush(new Reply.Refused(auth.id(), error.code(), error.message()));
            disconnector.disconnect(ctx.channel(), CloseCode.BACKEND_REFUSED);
        } else if (answer.response() instanceof HookResponse.Disconnect order) {
            connection.tokenRefused("connect_hook_disconnect");
            disconnector.disconnect(ctx.channel(), order.close());
        } else {
            connection.tokenRefused("connect_hook_" + answer.failure().tag());
            disconnector.disconnect(ctx.channel(), CloseCode.BACKEND_UNAVAILABLE,
                    sessions.hooks().connectRetryDelayMillis());
        }
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

    /**
     * Opens the session of {@code user}; {@code auth} is null for a user authenticated by header, and
     * {@code byConnectHook} says whether the backend's connect hook named the user (its refresh hook then renews it).
     */
    private void open(ChannelHandlerContext ctx, User user, Command.Auth auth, boolean byConnectHook) {
        cancelDeadline();
        if (sessions.policy().topics().serverTopics(user).size() > sessions.policy().maxTopics()) {
            // More server-side topics than a session may hold: the token (or the hook's answer) is unusable here.
            refuse(ctx, Reason.INVALID_TOPICS);
            return;
        }
        Connection connection = Connection.of(ctx.channel());
        if (!connection.bindUser(user)) {
            // The user holds limits.maxConnectionsPerUser connections already: counted by the Disconnector.
            disconnector.disconnect(ctx.channel(), CloseCode.CONNECTION_LIMIT);
            return;
        }
        SessionFactory.Opened opened = sessions.open(user, ctx.channel());
        ProxyHooks hooks = sessions.hooks();
        Channel channel = ctx.channel();
        HookRefresh refresh = byConnectHook && hooks.refreshEnabled()
                ? new HookRefresh(hooks, connection.forwardedHeaders(), channel.eventLoop()) : null;
        ChannelLiveSession live = new ChannelLiveSession(opened.session(), channel, disconnector, refresh);
        opened.session().reportRefreshRefusals(live);
        connection.attach(live);
        ConnectionEvent.fire(ctx.channel(), connection.openSession(opened.session().id(), user));
        ctx.write(opened.welcome());
        if (auth != null) {
            ctx.write(new Reply.Ok(auth.id()));
        }
        ctx.flush();
        if (hooks.sessionHooksEnabled()) {
            opened.session().useHooks(new SessionHooks(hooks, opened.session().id(), connection.forwardedHeaders(),
                    channel.eventLoop(), code -> disconnector.disconnect(channel, code)));
        }
        live.watchExpiry(sessions.policy().expiry());
        ctx.pipeline().replace(this, PipelineNames.SESSION, new SessionHandler(opened.session(), sessions));
        openServerSubscriptions(ctx.channel(), opened.session(), auth == null ? Map.of() : auth.since());
    }

    /**
     * Subscribes the new session to its server-side topics; when any fails (the broker is down), the session is
     * closed with {@link CloseCode#INTERNAL_ERROR} (reconnect with backoff) rather than left with some of them.
     */
    private void openServerSubscriptions(Channel channel, Session session, Map<String, Position> since) {
        session.openServerSubscriptions(since).thenAccept(complete -> {
            if (!complete && channel.isActive()) {
                channel.eventLoop().execute(() -> disconnector.disconnect(channel, CloseCode.INTERNAL_ERROR));
            }
        });
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
