package io.crier.gateway.transport;

import io.crier.gateway.logging.ConnectionLog;
import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every connection (after {@code tls}): counts the bytes read and written
 * ({@code crier.received}, {@code crier.sent}, in bytes: decrypted bytes on the TLS listener) and writes the
 * connection's lifecycle lines through the node's {@link ConnectionLog}: {@code connected} and
 * {@code authenticated} when the auth phase reports them ({@link #upgraded}, {@link #authenticated}),
 * {@code disconnected}, with the close reason, why the {@code auth} token was refused if it was
 * ({@link #tokenRefused}) and the time since the upgrade, when an upgraded connection closes, and
 * {@code refresh refused} when a session reports one ({@link #refreshRefused}). Of the connections that never
 * upgrade, those refused for their Bearer token log {@code refused} ({@link #upgradeRefused}); the others (health
 * checks, other refusals, the HTTP API) log nothing: they are counted.
 *
 * <p>Stateless apart from a channel attribute: one instance per node, {@link Sharable}; each call runs on
 * the channel's event loop.
 */
@ChannelHandler.Sharable
public final class TelemetryHandler extends ChannelDuplexHandler {

    private static final AttributeKey<Lifecycle> LIFECYCLE = AttributeKey.valueOf(TelemetryHandler.class, "lifecycle");

    /**
     * What the disconnected line needs: when the upgrade completed, the session once there is one, and why the
     * {@code auth} token was refused if it was.
     */
    private static final class Lifecycle {
        private final long upgradedAtNanos = System.nanoTime();
        private String session;
        private String tokenError;
    }

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

    /** A handler counting into a registry of its own and logging nothing: for nodes wired without telemetry. */
    static TelemetryHandler detached() {
        return new TelemetryHandler(new SimpleMeterRegistry(), null);
    }

    /** Records that {@code channel} completed the WebSocket upgrade. */
    public static void upgraded(Channel channel) {
        TelemetryHandler handler = channel.pipeline().get(TelemetryHandler.class);
        if (handler != null) {
            handler.onUpgraded(channel);
        }
    }

    /** Records that {@code session} opened on {@code channel} for {@code user}. */
    public static void authenticated(Channel channel, String session, String user) {
        TelemetryHandler handler = channel.pipeline().get(TelemetryHandler.class);
        Lifecycle lifecycle = channel.attr(LIFECYCLE).get();
        if (handler != null && lifecycle != null) {
            lifecycle.session = Objects.requireNonNull(session, "session");
            if (handler.log != null) {
                handler.log.authenticated(channel.id().asShortText(), session, user);
            }
        }
    }

    /**
     * Records that the {@code auth} token of {@code channel} was refused, for {@code tokenError} (a
     * {@code crier.auth.failures} reason, never token content): its {@code disconnected} line will say so.
     */
    public static void tokenRefused(Channel channel, String tokenError) {
        Lifecycle lifecycle = channel.attr(LIFECYCLE).get();
        if (lifecycle != null) {
            lifecycle.tokenError = Objects.requireNonNull(tokenError, "tokenError");
        }
    }

    /**
     * Logs that the upgrade request on {@code channel} was refused with HTTP {@code status} for its Bearer
     * token, for {@code tokenError}.
     */
    public static void upgradeRefused(Channel channel, int status, String tokenError) {
        TelemetryHandler handler = channel.pipeline().get(TelemetryHandler.class);
        if (handler != null && handler.log != null) {
            handler.log.refused(channel.id().asShortText(), ChannelAttributes.clientIp(channel), status, tokenError);
        }
    }

    /** Logs that {@code session} on {@code channel} had a {@code refresh} refused, for {@code tokenError}. */
    public static void refreshRefused(Channel channel, String session, String tokenError) {
        TelemetryHandler handler = channel.pipeline().get(TelemetryHandler.class);
        if (handler != null && handler.log != null) {
            handler.log.refreshRefused(channel.id().asShortText(), session, tokenError);
        }
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
    public void channelInactive(ChannelHandlerContext ctx) {
        Lifecycle lifecycle = ctx.channel().attr(LIFECYCLE).getAndSet(null);
        if (lifecycle != null && log != null) {
            String reason = ChannelAttributes.closingReason(ctx.channel());
            long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lifecycle.upgradedAtNanos);
            log.disconnected(ctx.channel().id().asShortText(), lifecycle.session,
                    reason == null ? "peer_closed" : reason, lifecycle.tokenError, durationMs);
        }
        ctx.fireChannelInactive();
    }

    private void onUpgraded(Channel channel) {
        handshakes.increment();
        if (channel.attr(LIFECYCLE).setIfAbsent(new Lifecycle()) == null && log != null) {
            log.connected(channel.id().asShortText(), ChannelAttributes.clientIp(channel));
        }
    }
}
