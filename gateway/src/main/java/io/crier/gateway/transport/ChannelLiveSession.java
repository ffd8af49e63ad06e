package io.crier.gateway.transport;

import io.crier.gateway.auth.User;
import io.crier.gateway.fleet.LiveSession;
import io.crier.gateway.proxy.HookRefresh;
import io.crier.gateway.session.Session;
import io.crier.gateway.session.TokenLifetime;
import io.crier.protocol.Close;
import io.crier.protocol.CloseCode;
import io.crier.protocol.Push;
import io.netty.channel.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The transport's side of one open session: one object for the roles that need the same three things (the session,
 * its channel and the node's one {@link Disconnector}), rather than one object each (24 bytes less per connection for
 * each role it took over):
 * <ul>
 *   <li>the {@link LiveSession} that the server API acts on: attached to the connection's lease when the session
 *       opens, so that the connection limiter lists it by user, and closed through the {@link Disconnector};</li>
 *   <li>the runner of the session's {@link TokenLifetime} on its channel ({@link #watchExpiry}): the timers on the
 *       channel's event loop, the {@code expiring} push, and the {@link CloseCode#TOKEN_EXPIRED} disconnect. The
 *       session cancels the timers when it closes or its token is refreshed. A session the connect hook opened, on a
 *       node with a refresh hook, gets no {@code expiring} push (it has no token to refresh with): the node asks the
 *       refresh hook instead ({@link HookRefresh}), and again every {@link #REFRESH_RETRY} while the backend cannot
 *       be asked, until the expiry disconnect.</li>
 *   <li>the reporter of the session's refused {@code refresh} commands ({@link #accept}), for the connection
 *       log.</li>
 * </ul>
 *
 * <p>Per connection. The {@link LiveSession} methods are thread-safe; the token lifetime's run on the channel's
 * event loop.
 */
final class ChannelLiveSession implements LiveSession, TokenLifetime.Timers, TokenLifetime.Listener,
        HookRefresh.Outcome, Consumer<String> {

    /** How long after a refresh hook call that failed the node asks again. */
    static final Duration REFRESH_RETRY = Duration.ofSeconds(5);

    private final Session session;
    private final Channel channel;
    private final Disconnector disconnector;
    private final HookRefresh refresh;

    /**
     * @param refresh with a refresh hook (not null), the token's expiry is renewed through it instead of the
     *                {@code expiring} push
     */
    ChannelLiveSession(Session session, Channel channel, Disconnector disconnector, HookRefresh refresh) {
        this.session = Objects.requireNonNull(session, "session");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
        this.refresh = refresh;
    }

    /** Starts watching the expiry of the session's token. */
    void watchExpiry(TokenLifetime.Settings settings) {
        session.watchExpiry(new TokenLifetime(settings, this, this));
    }

    /**
     * A {@code refresh} of this session was refused for {@code reason} (a reason tag, never token content): fires
     * {@link ConnectionEvent.RefreshRefused} for the connection log. On the channel's event loop.
     */
    @Override
    public void accept(String reason) {
        ConnectionEvent.fire(channel, new ConnectionEvent.RefreshRefused(session.id(), reason));
    }

    @Override
    public User user() {
        return session.user();
    }

    @Override
    public Session session() {
        return session;
    }

    @Override
    public boolean disconnect(Close close) {
        return channel.isActive() && disconnector.disconnect(channel, close);
    }

    /** {@inheritDoc} The delay is at most {@link TokenLifetime#HORIZON}, so its nanoseconds fit a long. */
    @Override
    public Future<?> schedule(Runnable task, Duration delay) {
        return channel.eventLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void expiring(long inSeconds) {
        if (!channel.isActive() || disconnector.isClosing(channel)) {
            return;
        }
        if (refresh != null) {
            refresh.refresh(session.id(), session.user(), this);
        } else {
            channel.writeAndFlush(new Push.Expiring(inSeconds));
        }
    }

    @Override
    public void renewed(Instant expiresAt) {
        if (channel.isActive()) {
            session.renew(expiresAt);
        }
    }

    @Override
    public void refused(Close close) {
        disconnector.disconnect(channel, close);
    }

    @Override
    public void failed() {
        if (channel.isActive()) {
            schedule(() -> expiring(0), REFRESH_RETRY);
        }
    }

    @Override
    public void expired() {
        disconnector.disconnect(channel, CloseCode.TOKEN_EXPIRED);
    }
}
