package io.crier.gateway.transport;

import io.crier.gateway.metrics.MeterCatalog;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the HTTP phase of a connection in time and counts it when it is too large.
 * <ul>
 *   <li>Time: from TCP accept, the upgrade must complete within {@code server.handshakeTimeout}, or the
 *       connection is closed with no response (a slowloris client that sends its head byte by byte, or never
 *       finishes it, holds a socket no longer than that). A connection that only serves plain HTTP
 *       ({@code /healthz}, ...) is closed at the same deadline.</li>
 *   <li>Size: the HTTP codec and aggregator before and after it enforce {@code server.maxHandshakeBytes}
 *       (an oversized request line gets 414 and oversized headers 431 from {@code http-routes}, an oversized
 *       body 413 from the aggregator);
 *       this handler counts both as {@link MeterCatalog#HANDSHAKES_REFUSED} ({@code reason=too_large}).</li>
 * </ul>
 * It also counts upgrades that negotiated permessage-deflate, and removes itself on
 * {@link ConnectionEvent.UpgradeCompleted}.
 *
 * <p>Per connection; confined to the channel's event loop.
 */
public final class HandshakeLimitsHandler extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(HandshakeLimitsHandler.class);

    private final long timeoutNanos;
    private final LimitMeters meters;
    private ScheduledFuture<?> deadline;

    HandshakeLimitsHandler(Duration timeout, LimitMeters meters) {
        this.timeoutNanos = timeout.toNanos();
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpMessage message && tooLong(message.decoderResult())) {
            meters.handshakeTooLarge().increment();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response
                && HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.equals(response.status())) {
            meters.handshakeTooLarge().increment();
        }
        ctx.write(msg, promise);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ConnectionEvent.UpgradeCompleted upgrade && upgrade.compressed()) {
            meters.compressed().increment();
        }
        ConnectionEvent.leaveOnUpgrade(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void arm(ChannelHandlerContext ctx) {
        if (deadline == null) {
            deadline = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        if (Connection.of(ctx.channel()).isUpgraded() || !ctx.channel().isOpen()) {
            return;
        }
        meters.handshakeTimeout().increment();
        log.debug("{} handshake not completed in time, closing", ctx.channel().id().asShortText());
        // Before the upgrade there is no close code to send: the Disconnector would only close the channel too.
        ctx.channel().close();
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private static boolean tooLong(DecoderResult result) {
        return result.isFailure() && result.cause() instanceof TooLongFrameException;
    }
}
