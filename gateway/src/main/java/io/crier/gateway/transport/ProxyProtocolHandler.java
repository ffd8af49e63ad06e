package io.crier.gateway.transport;

import io.crier.gateway.metrics.MeterCatalog;
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
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the client address of a PROXY protocol header from a trusted load balancer, after Netty's
 * {@code HAProxyMessageDecoder} (which {@link ProxyProtocolDetector} put in place): the source of a {@code PROXY}
 * header over TCP becomes {@link ChannelAttributes#PROXIED_CLIENT}; a {@code LOCAL} header (the balancer's own
 * health check), an {@code UNKNOWN} or a UNIX-socket one leaves the TCP peer as the client. A header the decoder
 * cannot read closes the connection, counted once in {@link MeterCatalog#HANDSHAKES_REFUSED} ({@code
 * reason=proxy_protocol}), not logged one by one. Removes itself once the header is read (the decoder removes itself
 * too).
 *
 * <p>Stateless: one instance per node, {@link Sharable}.
 */
@ChannelHandler.Sharable
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    private final Counter malformed;

    ProxyProtocolHandler(Counter malformed) {
        this.malformed = Objects.requireNonNull(malformed, "malformed");
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
        // a decoder failure is a broken header from a trusted balancer, a misconfiguration, counted, not logged.
        if (cause instanceof DecoderException) {
            // The decoder may fail again as the channel closes: counted once.
            if (ChannelAttributes.claimClose(ctx.channel(), "proxy_protocol")) {
                malformed.increment();
            }
            log.debug("{} broken PROXY protocol header, closing", ctx.channel().id().asShortText());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
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
