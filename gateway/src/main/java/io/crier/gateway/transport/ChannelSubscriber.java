package io.crier.gateway.transport;

import io.crier.gateway.hub.Subscriber;
import io.netty.channel.Channel;
import java.util.Objects;

/**
 * A session as the {@code Hub} sees it: its id and the channel that {@link NettyFanout} writes publications
 * to. Equality is identity, one instance per session. Immutable; thread-safe.
 */
public final class ChannelSubscriber implements Subscriber {

    private final String sessionId;
    private final Channel channel;

    public ChannelSubscriber(String sessionId, Channel channel) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    /** The session's connection. */
    public Channel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "ChannelSubscriber[" + sessionId + " on " + channel.id().asShortText() + "]";
    }
}
