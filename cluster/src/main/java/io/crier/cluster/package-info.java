/**
 * The seams through which a node shares what a fleet shares, and their value types: the {@link
 * io.crier.cluster.Broker} moves publications between nodes, the {@link io.crier.cluster.HistoryStore} keeps
 * the history of topics that have one, the {@link io.crier.cluster.PresenceStore} keeps presence under node
 * leases, the {@link io.crier.cluster.NodeRegistry} keeps the cluster view, the {@link
 * io.crier.cluster.UserStatusLog} tells when users go online and offline, the {@link
 * io.crier.cluster.ControlChannel} carries the server API's control messages to every node, and the {@link
 * io.crier.cluster.RevocationStore} keeps revoked tokens, invalidated users and blocks. Each has two implementations:
 * in memory ({@code io.crier.cluster.memory}: one node alone, and the unit-test stand-in) and on Redis
 * ({@code io.crier.cluster.redis}: for a fleet).
 *
 * <p>Payloads are opaque bytes here (their format is {@code io.crier.protocol}'s business). This package
 * depends on nothing but the JDK; only {@code io.crier.cluster.redis} imports Lettuce ({@code
 * LettuceOnlyInRedisPackageTest} checks it). Knows nothing of Netty channels, sessions or the hub.
 *
 * <p>Threading: every implementation is thread-safe. Listener callbacks run on the publisher's thread
 * (in memory) or on Lettuce's I/O threads (Redis); listeners must not block and must hand real work to
 * other threads.
 */
package io.crier.cluster;
