/**
 * The composition root of a Crier node: {@link io.crier.gateway.GatewayMain} (the command line) and
 * {@link io.crier.gateway.GatewayServer}, which wires config, broker, auth, hub, sessions and the Netty
 * transport by hand, with no container and no statics ({@code NodeBackend} picks the broker and history store
 * for the configured backend, {@code NodeTokens} the token verifier, {@code NodeTransport} the socket transport:
 * epoll, io_uring or NIO). Sub-packages hold the parts: {@code config},
 * {@code auth}, {@code hub}, {@code session}, {@code limits} (plain Java, no Netty) and {@code transport}
 * (Netty).
 *
 * <p>May depend on everything in the gateway, {@code io.crier.cluster} and {@code io.crier.protocol}; the
 * only package besides {@code transport} that imports Netty. Threading: {@code GatewayServer}'s methods are
 * thread-safe and its blocking ones ({@code drain}, {@code close}) must not run on an event loop.
 */
package io.crier.gateway;
