/**
 * Moves publications between the nodes of a fleet: the {@link io.crier.cluster.Broker} seam, with
 * {@link io.crier.cluster.InMemoryBroker} (one node alone, and the unit-test stand-in) and
 * {@link io.crier.cluster.RedisBroker} (Redis pub/sub, for a fleet). Keeps the history of topics that have
 * one: the {@link io.crier.cluster.HistoryStore} seam, with {@link io.crier.cluster.InMemoryHistoryStore} and
 * {@link io.crier.cluster.RedisHistoryStore} (Redis streams, written by the Redis Function library
 * {@code crier.lua} in this package's resources), and {@link io.crier.cluster.Publisher}, which JVM backends
 * use to publish straight to Redis. Keeps presence under node leases: the
 * {@link io.crier.cluster.PresenceStore} seam, with {@link io.crier.cluster.InMemoryPresenceStore} and
 * {@link io.crier.cluster.RedisPresenceStore} (a hash and a sorted set per topic, changed by Lua scripts).
 * Keeps the cluster view, each node's record under a lease: the {@link io.crier.cluster.NodeRegistry} seam,
 * with {@link io.crier.cluster.InMemoryNodeRegistry} and {@link io.crier.cluster.RedisNodeRegistry}.
 *
 * <p>Payloads are opaque bytes here (their format is {@code io.crier.protocol}'s business). Depends on
 * Lettuce (imported by the {@code Redis*} classes and their package-private helpers only) and SLF4J; knows nothing
 * of Netty channels, sessions or the hub.
 *
 * <p>Threading: every broker is thread-safe. Listener callbacks run on the publisher's thread
 * (in memory) or on Lettuce's I/O threads (Redis); listeners must not block and must hand real work to
 * other threads.
 */
package io.crier.cluster;
