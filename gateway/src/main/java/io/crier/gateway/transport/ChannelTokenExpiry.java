package io.crier.gateway.transport;

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

/**
 * Runs a session's {@link TokenLifetime} on its channel: the timers on the channel's event loop, the
 * {@code expiring} push, and the {@link CloseCode#TOKEN_EXPIRED} disconnect through the
 * {@link Disconnector}. The session cancels the timers when it closes or its token is refreshed. A session the
 * connect hook opened, on a node with a refresh hook, gets no {@code expiring} push (it has no token to refresh
 * with): the node asks the refresh hook instead ({@link HookRefresh}), and again every {@link #REFRESH_RETRY} while
 * the backend cannot be asked, until the expiry disconnect.
 *
 * <p>Per connection; confined to the channel's event loop.
 */
final class ChannelTokenExpiry implements TokenLifetime.Timers, TokenLifetime.Listener, HookRefresh.Outcome {

    /** How long after a refresh hook call that failed the node asks again. */
    static final Duration REFRESH_RETRY = Duration.ofSeconds(5);

    private final Session session;
    private final Channel channel;
    private final Disconnector disconnector;
    private final HookRefresh refresh;

    private ChannelTokenExpiry(Session session, Channel channel, Disconnector disconnector, HookRefresh refresh) {
        this.session = session;
        this.channel = channel;
        this.disconnector = disconnector;
        this.refresh = refresh;
    }

    /** Starts watching the token of {@code session}, which lives on {@code channel}. */
    static void watch(Session session, Channel channel, Disconnector disconnector,
                      TokenLifetime.Settings settings) {
        watch(session, channel, disconnector, settings, null);
    }

    /**
     * Starts watching the expiry of {@code session}, which lives on {@code channel}; with a {@code refresh} (not
     * null), renewing it through the refresh hook instead of the {@code expiring} push.
     */
    static void watch(Session session, Channel channel, Disconnector disconnector,
                      TokenLifetime.Settings settings, HookRefresh refresh) {
        ChannelTokenExpiry expiry = new ChannelTokenExpiry(Objects.requireNonNull(session, "session"),
                Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(disconnector, "disconnector"),
                refresh);
        session.watchExpiry(new TokenLifetime(settings, expiry, expiry));
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
