/**
 * The hub: this node's index of topic to local subscribers, the ref-counted broker subscription per
 * topic, and the fan-out of each broker publication to the local subscribers, encoded once.
 *
 * <p>Depends on the cluster module's {@code Broker}, the protocol module's codecs and Micrometer; no
 * Netty (the transport implements {@link io.crier.gateway.hub.Fanout} and
 * {@link io.crier.gateway.hub.Subscriber}). Thread-safe: called from every event loop and from broker
 * threads; per-topic state is guarded by a per-topic lock, and publications read immutable snapshots.
 */
package io.crier.gateway.hub;
