/**
 * The yardstick: a bare-Netty WebSocket server that does only what a fan-out node cannot avoid, as the practical
 * upper bound the gateway is compared with. It answers {@code auth} (HS256 verification included) and
 * {@code subscribe} with the same replies as the gateway, subscribes to each topic's Redis channel once, and for
 * each Redis message writes one pre-encoded {@code message} frame, shared by every subscriber
 * ({@code retainedDuplicate()}), with one flush per connection per Redis read.
 *
 * <p>Depends on Netty (with codec-redis), the protocol module (to decode commands, encode replies, pushes and the
 * {@code message} push exactly as the gateway does) and java-jwt. Not a product: no limits beyond the write
 * watermark, no heartbeats, no unsubscribe.
 *
 * <p>Its listener and connections run on epoll or, with {@code --transport=io_uring}, on io_uring
 * ({@link io.crier.loadtest.yardstick.YardstickTransport}); the Redis link stays on epoll, like the gateway's.
 *
 * <p>Threading: each worker event loop owns a {@link io.crier.loadtest.yardstick.TopicTable} of its own
 * connections; the Redis link runs on its own event loop and hands each read's frames to every worker loop as
 * one task.
 */
package io.crier.loadtest.yardstick;
