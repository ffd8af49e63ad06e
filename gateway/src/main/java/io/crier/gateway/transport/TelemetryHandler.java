package io.crier.gateway.transport;

import io.crier.gateway.logging.ConnectionLog;
import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelId;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every connection (after {@code tls}): counts the bytes read and written
 * ({@link MeterCatalog#BYTES_IN}, {@link MeterCatalog#BYTES_OUT}, in bytes: decrypted bytes on the TLS listener),
 * counts completed handshakes, and writes the connection's lifecycle lines through the node's {@link ConnectionLog}
 * as it hears the {@link ConnectionEvent}s: {@code connected} ({@link ConnectionEvent.UpgradeCompleted}), {@code
 * authenticated} ({@link ConnectionEvent.SessionOpened}), {@code refused} (an upgrade refused for its Bearer token,
 * {@link ConnectionEvent.UpgradeRefused}) and {@code refresh refused} ({@link ConnectionEvent.RefreshRefused});
 * and {@code disconnected} when an upgraded connection closes, with the close reason, the session and why the
 * {@code auth} token was refused if it was (from its {@link Connection}) and the time since the upgrade. The
 * other connections that never upgrade (health checks, other refusals, the HTTP API) log nothing: they are
 * counted. When any connection closes it also tells its {@link Connection} ({@link Connection#closed()}), which gives
 * back its slots in the node's connection limits: this is the one handler every connection keeps to the end.
 *
 * <p>Stateless: one instance per node, {@link Sharable}; each call runs on the channel's event loop.
 */
@ChannelHandler.Sharable
public final class TelemetryHandler extends ChannelDuplexHandler {

    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter handshakes;
    private final ConnectionLog log;

    /** @param log the node's lifecycle log, or {@code null} to log nothing */
    public TelemetryHandler(MeterRegistry meters, ConnectionLog log) {
        this.bytesIn = MeterCatalog.BYTES_IN.counter(meters);
        this.bytesOut = MeterCatalog.BYTES_OUT.counter(meters);
        this.handshakes = MeterCatalog.HANDSHAKES_COMPLETED.counter(meters);
        this.log = log;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            bytesIn.increment(bytes.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            bytesOut.increment(bytes.readableBytes());
        }
        ctx.write(msg, promise);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ConnectionEvent.UpgradeCompleted) {
            handshakes.increment();
        }
        if (log != null && evt instanceof ConnectionEvent event) {
            record(ctx.channel(), event);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Connection connection = Connection.of(ctx.channel());
        if (log != null && connection.isUpgraded()) {
            String reason = ChannelAttributes.closingReason(ctx.channel());
            long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connection.upgradedAtNanos());
            log.disconnected(ctx.channel().id(), connection.session(),
                    reason == null ? ControlFrameLimitsHandler.PEER_CLOSED : reason, connection.tokenError(), durationMs);
        }
        connection.closed();
        ctx.fireChannelInactive();
    }

    private void record(Channel channel, ConnectionEvent event) {
        // The id prints its short text, worked out only for a line the log's rate bound lets through.
        ChannelId id = channel.id();
        if (event instanceof ConnectionEvent.UpgradeCompleted) {
            log.connected(id, ChannelAttributes.clientIp(channel));
        } else if (event instanceof ConnectionEvent.SessionOpened opened) {
            log.authenticated(id, opened.session(), opened.user());
        } else if (event instanceof ConnectionEvent.UpgradeRefused refused) {
            log.refused(id, ChannelAttributes.clientIp(channel), refused.status(), refused.tokenError());
        } else if (event instanceof ConnectionEvent.RefreshRefused refused) {
            log.refreshRefused(id, refused.session(), refused.tokenError());
        }
    }
}
