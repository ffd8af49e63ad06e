package io.crier.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.util.Objects;

/**
 * Builds the pipeline of a connection to the TLS listener: {@code tls} near the front (after
 * {@code close-linger}), with the certificate current at accept time, and otherwise exactly the pipeline of the
 * plain listener ({@link GatewayChannelInitializer}), so
 * that both listeners serve the same routes and WebSocket endpoint.
 *
 * <p>Thread-safe: one instance per node; {@link #initChannel} runs on each new channel's event loop.
 */
public final class TlsChannelInitializer extends ChannelInitializer<Channel> {

    private final TlsContexts tls;
    private final GatewayChannelInitializer plain;

    public TlsChannelInitializer(TlsContexts tls, GatewayChannelInitializer plain) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.plain = Objects.requireNonNull(plain, "plain");
    }

    @Override
    protected void initChannel(Channel channel) {
        plain.build(channel, tls.newHandler(channel.alloc()));
    }
}
