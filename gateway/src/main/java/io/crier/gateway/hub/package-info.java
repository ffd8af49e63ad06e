/**
 * The hub: this node's index of topic to local subscribers, the ref-counted broker subscription per
 * topic ({@code LocalTopics}), and the fan-out of each broker publication to the local subscribers, encoded
 * once. For topics with history also the sequencing by offset (the state machine of {@code TopicCursor}, which
 * decides what is delivered), recovery on subscribe ({@code Recoveries}) and gap repair ({@code GapRepair}).
 *
 * <p>Depends on the cluster module's {@code Broker} and {@code HistoryStore}, the protocol module's codecs,
 * the config records of namespaces and recovery, and Micrometer; no Netty (the transport implements
 * {@link io.crier.gateway.hub.Fanout}, {@link io.crier.gateway.hub.Subscriber} and
 * {@link io.crier.gateway.hub.SessionEvictor}). Thread-safe: called from every event loop, from broker threads
 * and from the history store's threads; per-topic state is guarded by a per-topic lock; publications of topics
 * without history read immutable snapshots, those of topics with history are written under the lock. Store
 * calls, evictions and stage completions are never made while holding a topic's lock.
 */
package io.crier.gateway.hub;
