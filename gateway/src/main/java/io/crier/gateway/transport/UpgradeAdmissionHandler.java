package io.crier.gateway.transport;

import io.crier.gateway.auth.User;
import io.crier.gateway.limits.ConnectionLimiter;
import io.crier.gateway.limits.ConnectionLimiter.Lease;
import io.crier.gateway.limits.OriginPolicy;
import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.Objects;

/**
 * Admits a WebSocket upgrade request, or refuses it before the upgrade with an HTTP status, checked in this
 * order: an {@code Origin} not allowed ({@code 403}), a full node ({@code 503}, so that a load balancer
 * retries another node), a client IP address at its limit ({@code 429}), and, when the handshake guard
 * already authenticated a {@code Bearer} header, a user at its limit ({@code 429}). An admitted connection
 * holds a {@link Lease} (kept by its {@link Connection}) that is released exactly once when the channel closes
 * ({@code telemetry} sees the close);
 * a first-frame {@code auth} later binds its user ({@link Connection#bindUser}). Each refusal is counted in
 * {@link MeterCatalog#HANDSHAKES_REFUSED} ({@code origin}, {@code node_full}, {@code ip_limit}, {@code user_limit}).
 * Removes itself on {@link ConnectionEvent.UpgradeCompleted}.
 *
 * <p>The IP address is the client's as a trusted load balancer's PROXY protocol header gave it
 * ({@code server.proxyProtocol}), else the TCP peer's: behind a load balancer without the PROXY protocol every
 * connection has the balancer's address, so set {@code limits.maxConnectionsPerIp} to at least
 * {@code limits.maxConnections} there.
 *
 * <p>Stateless (state lives in the shared limiter and in the {@link Connection}): one instance per node,
 * {@link Sharable}.
 */
@ChannelHandler.Sharable
public final class UpgradeAdmissionHandler extends ChannelInboundHandlerAdapter {

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
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ConnectionEvent.leaveOnUpgrade(ctx, evt);
    }

    private Refusal admit(Channel channel, HttpHeaders headers) {
        if (!origins.allows(headers.get(HttpHeaderNames.ORIGIN), headers.get(HttpHeaderNames.HOST))) {
            return badOrigin;
        }
        Connection connection = Connection.of(channel);
        // A second upgrade request on one connection (after a refused handshake) keeps the first lease.
        if (!connection.isAdmitted()) {
            ConnectionLimiter.Admission admission = limiter.admit(ChannelAttributes.clientIp(channel));
            if (!admission.admitted()) {
                return admission.refusal() == ConnectionLimiter.Refusal.NODE_FULL ? nodeFull : ipLimit;
            }
            connection.admitted(admission.lease());
        }
        User byHeader = connection.bearerUser();
        return byHeader == null || connection.bindUser(byHeader) ? null : userLimit;
    }
}
