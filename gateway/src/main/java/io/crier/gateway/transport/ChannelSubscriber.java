package io.crier.gateway.transport;

import io.crier.gateway.hub.Subscriber;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import java.util.Objects;

/**
 * A session as the {@code Hub} sees it: its id and the channel that {@link NettyFanout} writes publications
 * to. Equality is identity, one instance per session. Thread-safe: immutable but for the fan-out's flush mark,
 * which only the channel's event loop touches.
 */
public final class ChannelSubscriber implements Subscriber {

    private final String sessionId;
    private final Channel channel;
    private final boolean compressed;
    /**
     * Where the fan-out's pre-encoded frames enter the pipeline: the telemetry handler's context, so that they go
     * straight to the socket (or the TLS handler), like the yardstick's. The handlers they skip are made up for
     * here and in the fan-out: the heartbeat handler is told of the write, a session the server is closing gets
     * nothing more (as the WebSocket protocol handler would ensure once its close frame is out), and the fan-out
     * counts the bytes. Null on a channel without it (tests).
     */
    private final ChannelHandlerContext frames;
    private final HeartbeatHandler heartbeat;
    /** Written to by the fan-out and not flushed yet; read and written on the channel's event loop only. */
    private boolean flushPending;

    /** A session on an upgraded channel: whether it negotiated permessage-deflate is read from its pipeline now. */
    public ChannelSubscriber(String sessionId, Channel channel) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.compressed = channel.pipeline().get(WebSocketExtensionEncoder.class) != null;
        this.frames = channel.pipeline().context(PipelineNames.TELEMETRY);
        this.heartbeat = channel.pipeline().get(HeartbeatHandler.class);
    }

    /**
     * Writes a pre-encoded frame without flushing, on the channel's event loop; false (and the frame released)
     * when the server has started closing the session.
     */
    boolean write(ByteBuf frame) {
        if (frames == null || frames.isRemoved()) {
            channel.write(frame, channel.voidPromise());
            return true;
        }
        if (ChannelAttributes.closingReason(channel) != null) {
            frame.release();
            return false;
        }
        frames.write(frame, frames.voidPromise());
        if (heartbeat != null) {
            heartbeat.written();
        }
        return true;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    /** The session's connection. */
    public Channel channel() {
        return channel;
    }

    /** Flushes what {@link #write} wrote, from where it entered the pipeline. */
    void flush() {
        if (frames == null || frames.isRemoved()) {
            channel.flush();
        } else {
            frames.flush();
        }
    }

    /**
     * Whether the session negotiated permessage-deflate: it is then sent frames for its pipeline to compress, and
     * the others the publication's one pre-encoded frame.
     */
    public boolean compressed() {
        return compressed;
    }

    /** On the channel's event loop: whether the loop's flusher has a flush of this session due. */
    boolean flushPending() {
        return flushPending;
    }

    /** On the channel's event loop: marks a flush as due; false when one already was. */
    boolean markFlushPending() {
        if (flushPending) {
            return false;
        }
        flushPending = true;
        return true;
    }

    /** On the channel's event loop: the due flush is being done. */
    void clearFlushPending() {
        flushPending = false;
    }

    @Override
    public String toString() {
        return "ChannelSubscriber[" + sessionId + " on " + channel.id().asShortText() + "]";
    }
}
