/**
 * Moves publications between the nodes of a fleet: the {@link io.crier.cluster.Broker} seam, with
 * {@link io.crier.cluster.InMemoryBroker} (one node alone, and the unit-test stand-in) and
 * {@link io.crier.cluster.RedisBroker} (Redis pub/sub, for a fleet).
 *
 * <p>Payloads are opaque bytes here (their format is {@code io.crier.protocol}'s business). Depends on
 * Lettuce (imported by {@code RedisBroker} and its package-private helpers only) and SLF4J; knows nothing
 * of Netty channels, sessions or the hub.
 *
 * <p>Threading: every broker is thread-safe. Listener callbacks run on the publisher's thread
 * (in memory) or on Lettuce's I/O threads (Redis); listeners must not block and must hand real work to
 * other threads.
 */
package io.crier.cluster;
