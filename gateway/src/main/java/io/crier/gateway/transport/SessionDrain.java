package io.crier.gateway.transport;

import io.crier.gateway.drain.DrainPacer;
import io.crier.protocol.CloseCode;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.util.List;
import java.util.Objects;

/**
 * The node's WebSocket connections as the {@link DrainPacer} sees them: the upgraded, open channels of the
 * node's channel group (plain HTTP connections, such as a load balancer polling {@code /readyz}, are not
 * sessions and are left to the final close). Disconnects go through the {@link Disconnector} with close code
 * 4000 {@code shutdown}.
 *
 * <p>Thread-safe: the channel group is concurrent and the disconnector hands the work to each channel's
 * event loop.
 */
public final class SessionDrain implements DrainPacer.Target<Channel> {

    private final ChannelGroup channels;
    private final Disconnector disconnector;

    public SessionDrain(ChannelGroup channels, Disconnector disconnector) {
        this.channels = Objects.requireNonNull(channels, "channels");
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
    }

    @Override
    public List<Channel> sessions() {
        return channels.stream().filter(SessionDrain::isSession).toList();
    }

    @Override
    public void disconnect(Channel session, long reconnectDelayMs) {
        if (session.isActive()) {
            disconnector.disconnect(session, CloseCode.SHUTDOWN, reconnectDelayMs);
        }
    }

    @Override
    public void closeAll() {
        for (Channel session : sessions()) {
            // A session that was told already but has not finished its close handshake is cut off now.
            if (!disconnector.disconnect(session, CloseCode.SHUTDOWN)) {
                session.close();
            }
        }
    }

    private static boolean isSession(Channel channel) {
        return channel.isActive() && Connection.of(channel).isUpgraded();
    }
}
