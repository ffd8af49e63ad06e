package io.crier.gateway.transport;

import io.crier.gateway.auth.User;
import io.crier.gateway.fleet.LiveSession;
import io.crier.gateway.session.Session;
import io.crier.protocol.Close;
import io.netty.channel.Channel;
import java.util.Objects;

/**
 * The {@link LiveSession} of one authenticated connection: its session, closed through the node's one
 * {@link Disconnector}. Attached to the connection's lease when the session opens, so that the connection limiter
 * lists it by user. Thread-safe.
 */
final class ChannelLiveSession implements LiveSession {

    private final Session session;
    private final Channel channel;
    private final Disconnector disconnector;

    ChannelLiveSession(Session session, Channel channel, Disconnector disconnector) {
        this.session = Objects.requireNonNull(session, "session");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
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
}
