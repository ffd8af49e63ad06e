/**
 * The in-memory implementations of the cluster seams, for one node alone (the embedded default) and as the
 * unit-test stand-in: {@link io.crier.cluster.memory.InMemoryBroker}, {@link
 * io.crier.cluster.memory.InMemoryHistoryStore}, {@link io.crier.cluster.memory.InMemoryPresenceStore},
 * {@link io.crier.cluster.memory.InMemoryNodeRegistry} and {@link io.crier.cluster.memory.InMemoryUserStatusLog}. They follow the same contracts as the Redis ones (the
 * contract suites run on both). Depends on {@code io.crier.cluster}, the protocol's value types and the JDK only; no
 * Lettuce.
 *
 * <p>Threading: every class is thread-safe; the broker calls its listener on the publisher's thread.
 */
package io.crier.cluster.memory;
