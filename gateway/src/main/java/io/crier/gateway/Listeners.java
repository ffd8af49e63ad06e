package io.crier.gateway;

import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.transport.GatewayChannelInitializer;
import io.crier.gateway.transport.TlsChannelInitializer;
import io.crier.gateway.transport.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;

/**
 * The listening sockets of a node, each configured on its own: the plain one ({@code server.host:port},
 * ws/http) when {@code server.plainEnabled}, and the TLS one ({@code tls.host:port}, wss/https) when
 * {@code tls.enabled}. Both serve the same pipeline; the TLS one puts the TLS handler first. Owns the
 * {@link TlsContexts} (and so the certificate reload thread).
 *
 * <p>Thread-safe after construction; {@link #close()} blocks.
 */
final class Listeners implements AutoCloseable {

    private final Channel plain;
    private final Channel secure;
    private final TlsContexts tls;

    private Listeners(Channel plain, Channel secure, TlsContexts tls) {
        this.plain = plain;
        this.secure = secure;
        this.tls = tls;
    }

    /**
     * Binds the enabled listeners.
     *
     * @param bootstrap   groups, channel class and options, without a child handler; cloned per listener
     * @param initializer the plain pipeline
     * @param tls         the TLS contexts when {@code tls.enabled}, else {@code null}; closed here on failure
     * @throws IllegalStateException when a port cannot be bound (whatever was bound is closed again)
     */
    static Listeners bind(ServerBootstrap bootstrap, CrierConfig config, GatewayChannelInitializer initializer,
                          TlsContexts tls) {
        Channel plain = null;
        try {
            if (config.server().plainEnabled()) {
                plain = bind(bootstrap, initializer, config.server().host(), config.server().port());
            }
            Channel secure = null;
            if (tls != null) {
                secure = bind(bootstrap, new TlsChannelInitializer(tls, initializer),
                        config.tls().hostOr(config.server().host()), config.tls().port());
            }
            return new Listeners(plain, secure, tls);
        } catch (RuntimeException e) {
            if (plain != null) {
                plain.close().awaitUninterruptibly();
            }
            if (tls != null) {
                tls.close();
            }
            throw e;
        }
    }

    /** The plain listener's port. @throws IllegalStateException when it is off */
    int plainPort() {
        return port(require(plain, "server.plainEnabled is false: no plain listener"));
    }

    /** The TLS listener's port. @throws IllegalStateException when it is off */
    int tlsPort() {
        return port(require(secure, "tls.enabled is false: no TLS listener"));
    }

    boolean plainEnabled() {
        return plain != null;
    }

    boolean tlsEnabled() {
        return secure != null;
    }

    /** The TLS contexts, or {@code null} when TLS is off. */
    TlsContexts tls() {
        return tls;
    }

    /** Stops accepting: closes the listening sockets and the certificate reload thread. */
    @Override
    public void close() {
        if (plain != null) {
            plain.close().awaitUninterruptibly();
        }
        if (secure != null) {
            secure.close().awaitUninterruptibly();
        }
        if (tls != null) {
            tls.close();
        }
    }

    private static Channel bind(ServerBootstrap bootstrap, ChannelHandler initializer, String host, int port) {
        ChannelFuture bound = bootstrap.clone().childHandler(initializer).bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        return bound.channel();
    }

    private static Channel require(Channel listener, String whenMissing) {
        if (listener == null) {
            throw new IllegalStateException(whenMissing);
        }
        return listener;
    }

    private static int port(Channel channel) {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }
}
