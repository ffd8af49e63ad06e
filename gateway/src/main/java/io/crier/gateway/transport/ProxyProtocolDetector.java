package io.crier.gateway.transport;

import io.crier.gateway.config.AddressRange;
import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the first bytes of a connection for a PROXY protocol header (v1 or v2). From a peer in
 * {@code server.trustedProxies} a header is read by Netty's {@code HAProxyMessageDecoder}, which takes this
 * handler's place; from any other peer a header is an attempt to claim another client's address: the connection
 * is closed at once and counted ({@link MeterCatalog#HANDSHAKES_REFUSED} ({@code reason=untrusted_proxy})). A
 * connection that does not start with a header (a probe, a client on the private network) is served as it is, its TCP
 * peer being the client: this handler and {@code proxy-client} leave, and the bytes go on. Only the first bytes are
 * looked at (at most 12 are needed to decide); a second header later is just bad HTTP.
 *
 * <p>Per connection; confined to the channel's event loop.
 */
final class ProxyProtocolDetector extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolDetector.class);

    private final List<AddressRange> trusted;
    private final Counter untrusted;

    ProxyProtocolDetector(List<AddressRange> trusted, Counter untrusted) {
        this.trusted = Objects.requireNonNull(trusted, "trusted");
        this.untrusted = Objects.requireNonNull(untrusted, "untrusted");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ProtocolDetectionResult<HAProxyProtocolVersion> detected = HAProxyMessageDecoder.detectProtocol(in);
        switch (detected.state()) {
            case NEEDS_MORE_DATA -> {
                // Fewer than 12 bytes so far: wait (the handshake timeout bounds a client that stops here).
            }
            case INVALID -> {
                // No header: the TCP peer is the client. What was read goes on once this handler has left.
                ctx.pipeline().remove(PipelineNames.PROXY_CLIENT);
                ctx.pipeline().remove(this);
            }
            case DETECTED -> {
                if (isTrusted(ctx.channel().remoteAddress())) {
                    // Netty forwards what this decoder holds to its replacement.
                    ctx.pipeline().replace(this, PipelineNames.PROXY_PROTOCOL, new HAProxyMessageDecoder());
                } else {
                    in.skipBytes(in.readableBytes());
                    ChannelAttributes.claimClose(ctx.channel(), "untrusted_proxy");
                    untrusted.increment();
                    log.debug("{} PROXY header from a peer that is not a trusted proxy, closing",
                            ctx.channel().id().asShortText());
                    ctx.close();
                }
            }
        }
    }

    private boolean isTrusted(Object peer) {
        if (!(peer instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return false;
        }
        InetAddress address = inet.getAddress();
        return trusted.stream().anyMatch(range -> range.contains(address));
    }
}
