/**
 * The Netty side of a node: the per-connection pipeline ({@link io.crier.gateway.transport.GatewayChannelInitializer}),
 * the handlers that translate between WebSocket frames and the domain ({@code session}, {@code hub},
 * {@code auth}), the {@link io.crier.gateway.transport.Disconnector} through which every server-initiated close
 * goes, and the shared-buffer {@link io.crier.gateway.transport.NettyFanout}.
 *
 * <p>The only package (besides the composition root) that imports Netty. It may depend on
 * {@code io.crier.protocol}, {@code io.crier.cluster} and the gateway's domain packages; nothing in the domain
 * depends on it.
 *
 * <p>Threading: every handler runs on its channel's event loop. {@code NettyFanout} and the completion of
 * {@code Session} stages may run on broker threads; they only touch channels through Netty's thread-safe
 * {@code write}/{@code close} and channel attributes.
 */
package io.crier.gateway.transport;
