/**
 * The abuse limits of a node as plain Java: which browser origins may upgrade ({@link
 * io.crier.gateway.limits.OriginPolicy}), how many connections the node, one client IP address and one user
 * may hold ({@link io.crier.gateway.limits.ConnectionLimiter}), and how fast one session may send commands
 * ({@link io.crier.gateway.limits.CommandRateLimiter}).
 *
 * <p>Depends on nothing but the JDK: no Netty, no Micrometer (the transport counts what these classes
 * decide). Threading is stated per class: the origin policy and the connection limiter are thread-safe and
 * shared by the whole node; a command rate limiter belongs to one session and is confined to its event loop.
 */
package io.crier.gateway.limits;
