package io.crier.gateway.transport;

import io.crier.gateway.session.Session;
import io.crier.gateway.session.TokenLifetime;
import io.crier.protocol.CloseCode;
import io.crier.protocol.Push;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs a session's {@link TokenLifetime} on its channel: the timers on the channel's event loop, the
 * {@code expiring} push, and the {@link CloseCode#TOKEN_EXPIRED} disconnect through the
 * {@link Disconnector}. The session cancels the timers when it closes or its token is refreshed.
 *
 * <p>Per connection; confined to the channel's event loop.
 */
final class ChannelTokenExpiry implements TokenLifetime.Timers, TokenLifetime.Listener {

    private final Channel channel;
    private final Disconnector disconnector;

    private ChannelTokenExpiry(Channel channel, Disconnector disconnector) {
        this.channel = channel;
        this.disconnector = disconnector;
    }

    /** Starts watching the token of {@code session}, which lives on {@code channel}. */
    static void watch(Session session, Channel channel, Disconnector disconnector,
                      TokenLifetime.Settings settings) {
        Objects.requireNonNull(session, "session");
        ChannelTokenExpiry expiry = new ChannelTokenExpiry(Objects.requireNonNull(channel, "channel"),
                Objects.requireNonNull(disconnector, "disconnector"));
        session.watchExpiry(new TokenLifetime(settings, expiry, expiry));
    }

    /** {@inheritDoc} The delay is at most {@link TokenLifetime#HORIZON}, so its nanoseconds fit a long. */
    @Override
    public Runnable schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> future = channel.eventLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void expiring(long inSeconds) {
        if (channel.isActive() && !disconnector.isClosing(channel)) {
            channel.writeAndFlush(new Push.Expiring(inSeconds));
        }
    }

    @Override
    public void expired() {
        disconnector.disconnect(channel, CloseCode.TOKEN_EXPIRED);
    }
}
