package io.crier.gateway.transport;

import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.Close;
import io.crier.protocol.CloseCode;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.Push;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only way the server closes a connection, with one of Crier's {@link CloseCode}s or a backend's application
 * code ({@link Close#app}) alike. Once per channel (guarded by a channel attribute) it logs at debug, counts
 * {@link MeterCatalog#DISCONNECTS} tagged by reason (every application code under the one reason
 * {@value MeterCatalog#APP_CLOSE_REASON}, so that a backend's reasons cannot grow the tags), sends the
 * {@code disconnect} push (codes 4000-4999), then a close frame with the same code and reason, and closes the
 * channel once that is flushed, or after a bounded timeout when the peer does not read. Before the WebSocket
 * upgrade it just closes the channel. Either close then lingers in {@link LingeringCloseHandler}, so that a client
 * still sending reads all of it.
 *
 * <p>One instance per node; thread-safe: callable from any thread (broker threads disconnect slow
 * consumers), the work runs on the channel's event loop.
 */
public final class Disconnector {

    /** How long a close frame may take to flush before the channel is closed anyway. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(Disconnector.class);

    /** The pre-encoded push of each of Crier's codes (read-only after construction). */
    private final Map<Close, byte[]> pushes = new HashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final EnvelopeCodec envelopes;
    private final MeterRegistry meters;
    private final long closeTimeoutMillis;
    private final Counter disconnectPushes;

    /**
     * @param envelopes    encodes the {@code disconnect} pushes, once per code
     * @param meters       where {@link MeterCatalog#DISCONNECTS} is counted
     * @param closeTimeout how long a close frame may take to flush before the channel is closed anyway
     */
    public Disconnector(EnvelopeCodec envelopes, MeterRegistry meters, Duration closeTimeout) {
        this.envelopes = Objects.requireNonNull(envelopes, "envelopes");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.closeTimeoutMillis = closeTimeout.toMillis();
        this.disconnectPushes = MeterCatalog.PUSHES_OUT.counter(meters, "type", "disconnect");
        for (CloseCode code : CloseCode.values()) {
            pushes.put(code.close(), envelopes.encode(new Push.Disconnect(code)));
        }
    }

    /**
     * Closes {@code channel} with {@code code}, unless the server is already closing it.
     *
     * @return whether this call started the close (false: another reason came first)
     */
    public boolean disconnect(Channel channel, CloseCode code) {
        return disconnect(channel, code, 0);
    }

    /**
     * Closes {@code channel} with {@code code} like {@link #disconnect(Channel, CloseCode)}, with a reconnect
     * delay hint in the {@code disconnect} push ({@code "reconnectDelayMs"}; 0 adds none). A draining node
     * gives each session its own random hint, so that its clients do not all come back at once.
     *
     * @return whether this call started the close (false: another reason came first)
     */
    public boolean disconnect(Channel channel, CloseCode code, long reconnectDelayMs) {
        return disconnect(channel, code.close(), reconnectDelayMs);
    }

    /**
     * Closes {@code channel} with {@code close}: one of Crier's codes ({@link CloseCode#close()}) or a backend's
     * application code. The one path every close takes.
     *
     * @return whether this call started the close (false: another reason came first)
     */
    public boolean disconnect(Channel channel, Close close) {
        return disconnect(channel, close, 0);
    }

    private boolean disconnect(Channel channel, Close code, long reconnectDelayMs) {
        String tag = code.isApp() ? MeterCatalog.APP_CLOSE_REASON : code.reason();
        if (!ChannelAttributes.claimClose(channel, tag)) {
            return false;
        }
        count(tag);
        // The layout escapes every logged value (LogEscaper): a backend's reason cannot forge a line.
        log.debug("{} disconnect {} {}", channel.id().asShortText(), code.code(), code.reason());
        byte[] cached = reconnectDelayMs == 0 ? pushes.get(code) : null;
        byte[] push = cached != null ? cached : envelopes.encode(new Push.Disconnect(code, reconnectDelayMs));
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            closeNow(channel, code, push);
        } else {
            try {
                loop.execute(() -> closeNow(channel, code, push));
            } catch (RejectedExecutionException e) {
                // The event loop is shutting down: it closes its channels itself, nothing is left to send.
                log.debug("{} event loop gone before disconnect {}", channel.id().asShortText(), tag);
            }
        }
        return true;
    }

    /**
     * Records a close that Netty's WebSocket decoder already started by sending its own close frame (an
     * oversized frame: 1009, bad UTF-8: 1007, any other broken frame: 1002), so that no second close frame
     * follows; counts it and closes the channel.
     *
     * @return whether this call recorded the close
     */
    public boolean closedByDecoder(Channel channel, String reason) {
        if (!ChannelAttributes.claimClose(channel, reason)) {
            return false;
        }
        count(reason);
        log.debug("{} closed by the frame decoder: {}", channel.id().asShortText(), reason);
        channel.close();
        return true;
    }

    /** Whether the server has started closing {@code channel}. */
    public boolean isClosing(Channel channel) {
        return ChannelAttributes.closingReason(channel) != null;
    }

    private void closeNow(Channel channel, Close code, byte[] push) {
        if (!channel.isActive() || !Connection.of(channel).isUpgraded()) {
            channel.close();
            return;
        }
        if (code.code() >= 4000) {
            channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(push)));
            disconnectPushes.increment();
        }
        var fallback = channel.eventLoop().schedule(() -> {
            channel.close();
        }, closeTimeoutMillis, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> fallback.cancel(false));
        // Whether or not the close frame could be written, the channel is closed: success or failure.
        channel.writeAndFlush(new CloseWebSocketFrame(code.code(), code.reason()))
                .addListener(written -> channel.close());
    }

    private void count(String reason) {
        counters.computeIfAbsent(reason, r -> MeterCatalog.DISCONNECTS.counter(meters, "reason", r)).increment();
    }
}
