package io.crier.gateway.transport;

import io.crier.gateway.hub.Subscriber;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import java.util.Objects;

/**
 * A session as the {@code Hub} sees it: its id and the channel that {@link NettyFanout} writes publications
 * to. Equality is identity, one instance per session. Immutable; thread-safe.
 */
public final class ChannelSubscriber implements Subscriber {

    private final String sessionId;
    private final Channel channel;
    private final boolean compressed;

    /** A session on an upgraded channel: whether it negotiated permessage-deflate is read from its pipeline now. */
    public ChannelSubscriber(String sessionId, Channel channel) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.compressed = channel.pipeline().get(WebSocketExtensionEncoder.class) != null;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    /** The session's connection. */
    public Channel channel() {
        return channel;
    }

    /**
     * Whether the session negotiated permessage-deflate: it is then sent frames for its pipeline to compress, and
     * the others the publication's one pre-encoded frame.
     */
    public boolean compressed() {
        return compressed;
    }

    @Override
    public String toString() {
        return "ChannelSubscriber[" + sessionId + " on " + channel.id().asShortText() + "]";
    }
}
