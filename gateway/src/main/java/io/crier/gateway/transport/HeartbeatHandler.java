package io.crier.gateway.transport;

import io.crier.protocol.CloseCode;
import io.crier.protocol.Push;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a connection's liveness in check, one heartbeat interval at a time. Silent client for one interval:
 * a WebSocket ping; nothing read, not even a pong, for two: {@link CloseCode#HEARTBEAT_TIMEOUT}. No frame
 * written for one interval: the {@code heartbeat} push, so that a browser (which never sees pings) hears from
 * the server. Inbound pongs reset the read timer and end here. Before the upgrade, a connection silent for
 * one interval is an idle HTTP connection and is closed. It replaces Netty's {@code IdleStateHandler} so
 * that its own pings do not count as server output, and so that a connection holds one scheduled task, not two:
 * the read and the write checks share one timer, armed for whichever falls due first. The handler is that timer's
 * task itself ({@link #run}), not a lambda made for it: 24 bytes less per connection.
 *
 * <p>Per connection; confined to the channel's event loop.
 */
public final class HeartbeatHandler extends ChannelDuplexHandler implements Runnable {

    private static final Push.Heartbeat HEARTBEAT = new Push.Heartbeat();

    /**
     * What every connection's heartbeat shares: the interval and the node's {@link Disconnector}; one per node, so
     * that a handler holds one reference rather than both (8 bytes less per connection). Immutable; thread-safe.
     */
    public record Settings(long intervalNanos, Disconnector disconnector) {
        public Settings {
            Objects.requireNonNull(disconnector, "disconnector");
            if (intervalNanos <= 0) {
                throw new IllegalArgumentException("heartbeat interval must be positive");
            }
        }

        /** The settings of a heartbeat every {@code interval}. */
        public static Settings every(Duration interval, Disconnector disconnector) {
            return new Settings(interval.toNanos(), disconnector);
        }
    }

    private final Settings settings;
    private ChannelHandlerContext ctx;
    private long lastRead;
    private long lastWrite;
    /** When the read side and the write side are next checked ({@link #now()} nanoseconds). */
    private long readerDue;
    private long writerDue;
    private boolean pinged;
    private boolean stopped;
    private ScheduledFuture<?> timer;

    public HeartbeatHandler(Duration interval, Disconnector disconnector) {
        this(Settings.every(interval, disconnector));
    }

    /** A handler of the node's shared {@code settings}. */
    public HeartbeatHandler(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastRead = now();
        pinged = false;
        if (msg instanceof PongWebSocketFrame pong) {
            pong.release();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        lastWrite = now();
        ctx.write(msg, promise);
    }

    /**
     * On the event loop: something was written past this handler ({@link ChannelSubscriber#write}) at {@code
     * nowNanos}, read from the loop's ticker once for all the sessions a fan-out task writes to.
     */
    void written(long nowNanos) {
        lastWrite = nowNanos;
    }

    private void start(ChannelHandlerContext ctx) {
        if (this.ctx != null) {
            return;
        }
        this.ctx = ctx;
        lastRead = now();
        lastWrite = lastRead;
        readerDue = lastRead + settings.intervalNanos();
        writerDue = readerDue;
        arm(lastRead);
    }

    private void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** The timer fired: checks each side that is due, then re-arms for the earlier of the next two checks. */
    /**
     * The timer's tick: runs the checks that fell due and re-arms. Run by the channel's event loop when the timer
     * fires; not for other callers.
     */
    @Override
    public void run() {
        long now = now();
        if (now - readerDue >= 0) {
            checkReader(now);
        }
        if (now - writerDue >= 0) {
            checkWriter(now);
        }
        arm(now);
    }

    private void checkReader(long now) {
        long left = settings.intervalNanos() - (now - lastRead);
        if (left > 0) {
            readerDue = now + left;
            return;
        }
        readerDue = now + settings.intervalNanos();
        if (!Connection.of(ctx.channel()).isUpgraded()) {
            // An HTTP connection kept alive with nothing to say: not a session, no close frame to send.
            ctx.close();
        } else if (!pinged) {
            pinged = true;
            ctx.writeAndFlush(new PingWebSocketFrame());
        } else {
            settings.disconnector().disconnect(ctx.channel(), CloseCode.HEARTBEAT_TIMEOUT);
        }
    }

    private void checkWriter(long now) {
        long left = settings.intervalNanos() - (now - lastWrite);
        if (left > 0) {
            writerDue = now + left;
            return;
        }
        writerDue = now + settings.intervalNanos();
        // A closing connection (the server's disconnect, or the client's close frame) gets no more pushes.
        if (Connection.of(ctx.channel()).isUpgraded() && !settings.disconnector().isClosing(ctx.channel())) {
            // Written from the tail so that it is encoded like every push, and passes through write() above.
            ctx.channel().writeAndFlush(HEARTBEAT);
        }
    }

    private void arm(long now) {
        if (stopped) {
            // The connection closed while a check ran (an idle HTTP connection's close): nothing left to watch.
            return;
        }
        long next = readerDue - writerDue < 0 ? readerDue : writerDue;
        timer = ctx.executor().schedule(this, Math.max(0, next - now), TimeUnit.NANOSECONDS);
    }

    private long now() {
        return ctx == null ? 0 : ctx.executor().ticker().nanoTime();
    }
}
