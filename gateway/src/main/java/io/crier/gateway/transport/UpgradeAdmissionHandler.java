package io.crier.gateway.transport;

import io.crier.gateway.auth.User;
import io.crier.gateway.limits.ConnectionLimiter;
import io.crier.gateway.limits.ConnectionLimiter.Lease;
import io.crier.gateway.limits.OriginPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.Objects;

/**
 * Admits a WebSocket upgrade request, or refuses it before the upgrade with an HTTP status, checked in this
 * order: an {@code Origin} not allowed ({@code 403}), a full node ({@code 503}, so that a load balancer
 * retries another node), a client IP address at its limit ({@code 429}), and, when the handshake guard
 * already authenticated a {@code Bearer} header, a user at its limit ({@code 429}). An admitted connection
 * holds a {@link Lease} (a channel attribute) that is released exactly once when the channel closes; a
 * first-frame {@code auth} later binds its user with {@link #admitUser}. Each refusal is counted in
 * {@code crier.handshakes.refused} ({@code origin}, {@code node_full}, {@code ip_limit}, {@code user_limit}).
 * Removes itself once the upgrade response has gone out.
 *
 * <p>The IP address is the client's as a trusted load balancer's PROXY protocol header gave it
 * ({@code server.proxyProtocol}), else the TCP peer's: behind a load balancer without the PROXY protocol every
 * connection has the balancer's address, so set {@code limits.maxConnectionsPerIp} to at least
 * {@code limits.maxConnections} there.
 *
 * <p>Stateless (state lives in the shared limiter and in channel attributes): one instance per node,
 * {@link Sharable}.
 */
@ChannelHandler.Sharable
public final class UpgradeAdmissionHandler extends ChannelDuplexHandler {

    private record Refusal(HttpResponseStatus status, String body, Counter counter) {
    }

    private final OriginPolicy origins;
    private final ConnectionLimiter limiter;
    private final Refusal badOrigin;
    private final Refusal nodeFull;
    private final Refusal ipLimit;
    private final Refusal userLimit;

    public UpgradeAdmissionHandler(OriginPolicy origins, ConnectionLimiter limiter, MeterRegistry meters) {
        this.origins = Objects.requireNonNull(origins, "origins");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.badOrigin = new Refusal(HttpResponseStatus.FORBIDDEN, "origin not allowed\n",
                LimitMeters.refused(meters, "origin"));
        this.nodeFull = new Refusal(HttpResponseStatus.SERVICE_UNAVAILABLE, "node full\n",
                LimitMeters.refused(meters, "node_full"));
        this.ipLimit = new Refusal(HttpResponseStatus.TOO_MANY_REQUESTS, "too many connections from this address\n",
                LimitMeters.refused(meters, "ip_limit"));
        this.userLimit = new Refusal(HttpResponseStatus.TOO_MANY_REQUESTS, "too many connections for this user\n",
                LimitMeters.refused(meters, "user_limit"));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        Refusal refusal = admit(ctx.channel(), request.headers());
        if (refusal == null) {
            ctx.fireChannelRead(request);
            return;
        }
        ReferenceCountUtil.release(request);
        refusal.counter().increment();
        HttpResponses.textAndClose(ctx, null, refusal.status(), refusal.body());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response
                && HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())) {
            ChannelPromise written = promise.unvoid();
            written.addListener(future -> {
                if (future.isSuccess() && ctx.pipeline().context(this) != null) {
                    ctx.pipeline().remove(this);
                }
            });
            ctx.write(msg, written);
            return;
        }
        ctx.write(msg, promise);
    }

    /**
     * Counts the connection against {@code user}, once it is known from a first-frame {@code auth}. A
     * connection without a lease (not admitted by this handler) and an anonymous user are not limited.
     *
     * @return whether the connection may stay open ({@code false}: close it with 4005)
     */
    static boolean admitUser(Channel channel, User user) {
        Lease lease = channel.attr(ChannelAttributes.LEASE).get();
        return lease == null || user.isAnonymous() || lease.bindUser(user.id());
    }

    private Refusal admit(Channel channel, HttpHeaders headers) {
        if (!origins.allows(headers.get(HttpHeaderNames.ORIGIN), headers.get(HttpHeaderNames.HOST))) {
            return badOrigin;
        }
        // A second upgrade request on one connection (after a refused handshake) keeps the first lease.
        if (channel.attr(ChannelAttributes.LEASE).get() == null) {
            ConnectionLimiter.Admission admission = limiter.admit(ChannelAttributes.clientIp(channel));
            if (!admission.admitted()) {
                return admission.refusal() == ConnectionLimiter.Refusal.NODE_FULL ? nodeFull : ipLimit;
            }
            Lease lease = admission.lease();
            channel.attr(ChannelAttributes.LEASE).set(lease);
            channel.closeFuture().addListener(closed -> lease.release());
        }
        User byHeader = channel.attr(ChannelAttributes.HEADER_USER).get();
        return byHeader == null || admitUser(channel, byHeader) ? null : userLimit;
    }
}
