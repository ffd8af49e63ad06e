/**
 * The cluster view of one node: {@link io.crier.gateway.nodes.ClusterView} announces the node in the
 * {@link io.crier.cluster.NodeRegistry} (Redis for a fleet, in memory alone), renews it every
 * {@code cluster.nodeRefreshInterval} through {@link io.crier.gateway.nodes.NodeAnnouncer}, withdraws it when the
 * node stops, and lists the live nodes for {@code GET /api/v1/nodes}; {@link io.crier.gateway.nodes.NodeVersion}
 * says which version a node runs.
 *
 * <p>Plain Java: depends on {@code io.crier.cluster}, {@code io.crier.protocol}, the config records and
 * Micrometer; no Netty. Threading: refreshes run on the node's scheduler, registry calls are asynchronous and
 * their stages complete on the registry's threads; every type here is thread-safe.
 */
package io.crier.gateway.nodes;
