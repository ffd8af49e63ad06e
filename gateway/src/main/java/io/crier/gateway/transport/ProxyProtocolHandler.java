package io.crier.gateway.transport;

import io.crier.gateway.config.AddressRange;
import io.micrometer.core.instrument.Counter;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PROXY protocol's trust and result, after Netty's {@code HAProxyMessageDecoder} ({@code proxy-protocol}):
 * closes at once a connection whose TCP peer is not one of {@code server.trustedProxies} (nobody else may claim
 * a client address), and a connection whose header is missing or malformed (the decoder fails); keeps the client
 * address of a {@code PROXY} header over TCP ({@link ChannelAttributes#PROXIED_CLIENT}); a {@code LOCAL} header
 * (the balancer's own health check) or an {@code UNKNOWN} or UNIX-socket one leaves the TCP peer as the client.
 * Removes itself once the header is read (the decoder removes itself too). Refusals are counted in
 * {@code crier.handshakes.refused} ({@code untrusted_proxy}, {@code proxy_protocol}), not logged one by one.
 *
 * <p>Stateless: one instance per node, {@link Sharable}.
 */
@ChannelHandler.Sharable
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    private final List<AddressRange> trusted;
    private final Counter untrusted;
    private final Counter malformed;

    ProxyProtocolHandler(List<AddressRange> trusted, Counter untrusted, Counter malformed) {
        this.trusted = List.copyOf(trusted);
        this.untrusted = Objects.requireNonNull(untrusted, "untrusted");
        this.malformed = Objects.requireNonNull(malformed, "malformed");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!isTrusted(ctx.channel().remoteAddress())) {
            ChannelAttributes.claimClose(ctx.channel(), "untrusted_proxy");
            untrusted.increment();
            log.debug("{} not a trusted proxy, closing", ctx.channel().id().asShortText());
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            InetSocketAddress client = clientOf(header);
            if (client != null) {
                ctx.channel().attr(ChannelAttributes.PROXIED_CLIENT).set(client);
            }
        } finally {
            ReferenceCountUtil.release(header);
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Only the header decoder runs before this handler while it is in the pipeline (it leaves with the header):
        // a decoder failure is a missing or broken header, from a trusted balancer, so a misconfiguration,
        // counted rather than logged.
        if (cause instanceof DecoderException) {
            // The decoder may fail again as the channel closes: counted once.
            if (ChannelAttributes.claimClose(ctx.channel(), "proxy_protocol")) {
                malformed.increment();
            }
            log.debug("{} no valid PROXY protocol header, closing", ctx.channel().id().asShortText());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private boolean isTrusted(Object peer) {
        if (!(peer instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return false;
        }
        InetAddress address = inet.getAddress();
        return trusted.stream().anyMatch(range -> range.contains(address));
    }

    private static InetSocketAddress clientOf(HAProxyMessage header) {
        HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
        if (header.command() != HAProxyCommand.PROXY || header.sourceAddress() == null
                || family != HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                && family != HAProxyProxiedProtocol.AddressFamily.AF_IPv6) {
            return null;
        }
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
        return address == null ? null : new InetSocketAddress(address, header.sourcePort());
    }
}
