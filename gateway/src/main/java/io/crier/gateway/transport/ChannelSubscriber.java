package io.crier.gateway.transport;

import io.crier.gateway.hub.Subscriber;
import io.crier.gateway.metrics.MeterCatalog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.Objects;

/**
 * A session as the {@code Hub} sees it: its id and the channel that {@link NettyFanout} writes publications
 * to ({@link #write}). Equality is identity, one instance per session. Thread-safe: immutable but for the
 * fan-out's flush mark, which only the channel's event loop touches. It is also the session's {@link ChannelPushes}.
 */
public final class ChannelSubscriber extends ChannelPushes implements Subscriber {

    private final String sessionId;
    /** The connection's facts: the fan-out reads whether the server is closing it for every delivery. */
    private final Connection connection;
    /**
     * Where the fan-out's pre-encoded frames enter the pipeline: the telemetry handler's context, so that they go
     * straight to the socket (or the TLS handler), like the yardstick's. Null on a channel without it (tests,
     * benchmarks).
     */
    private final ChannelHandlerContext frames;
    private final HeartbeatHandler heartbeat;
    /** Written to by the fan-out and not flushed yet; read and written on the channel's event loop only. */
    private boolean flushPending;

    /** A session on an upgraded channel, whose {@link Connection} says whether it negotiated permessage-deflate. */
    public ChannelSubscriber(String sessionId, Channel channel) {
        super(channel);
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.connection = Connection.of(channel);
        this.frames = channel.pipeline().context(PipelineNames.TELEMETRY);
        this.heartbeat = channel.pipeline().get(HeartbeatHandler.class);
    }

    /**
     * Writes one publication's shared frame (made by {@link WebSocketFrames#text}, or for a session that negotiated
     * permessage-deflate by {@link MessageDeflater#textFrame}; released by the caller) to this session without
     * flushing, on the channel's event loop.
     *
     * <p>The session gets a duplicate of the frame written where {@code telemetry} sits, past the handlers after it,
     * which is what keeps the fan-out near the yardstick (do not route these frames through the pipeline); a
     * compressed frame is complete, RSV1 set, and needs no handler either. This method is the one place that does,
     * for such a frame, what the handlers it skips would have done:
     * <ul>
     *   <li>{@code ws-protocol} ({@link WebSocketServerProtocolHandler}) writes nothing after a close frame: a
     *       session that is closing, by the server ({@link Disconnector}) or by the client's close frame
     *       ({@link ControlFrameLimitsHandler}), gets nothing more;</li>
     *   <li>{@code heartbeat} ({@link HeartbeatHandler#written(long)}) hears of the write, so that no {@code heartbeat}
     *       push follows it;</li>
     *   <li>{@code telemetry} ({@link TelemetryHandler}) would count its bytes in {@link MeterCatalog#BYTES_OUT}:
     *       they are returned, for {@link NettyFanout} to count once per batch rather than once per frame.</li>
     * </ul>
     * On a channel without a telemetry handler (tests, benchmarks) the duplicate is written from the tail, and its
     * bytes are returned as well.
     *
     * @param nowNanos the time of the write by the channel's event loop's ticker (one reading per fan-out task)
     * @return the bytes that {@link MeterCatalog#BYTES_OUT} has yet to count for this write (0: the pipeline counted
     *         them), or -1 when nothing was written
     */
    long write(ByteBuf frame, long nowNanos) {
        if (frames == null || frames.isRemoved()) {
            channel.write(WebSocketFrames.share(frame), channel.voidPromise());
            return frame.readableBytes();
        }
        if (connection.closingReason() != null) {
            return -1;
        }
        frames.write(WebSocketFrames.share(frame), frames.voidPromise());
        if (heartbeat != null) {
            heartbeat.written(nowNanos);
        }
        return frame.readableBytes();
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
     * Whether the session negotiated permessage-deflate: it is then sent the publication's compressed frame, and the
     * others its plain one.
     */
    public boolean compressed() {
        return connection.compressed();
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
