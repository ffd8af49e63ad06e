/**
 * The node's meters: {@link io.crier.gateway.metrics.MeterCatalog} defines every {@code crier.*} meter (name,
 * description, unit, tag keys and their allowed values, histogram range) and code registers through those
 * definitions; {@link io.crier.gateway.metrics.JvmMeters} binds Micrometer's JVM and process meters;
 * {@link io.crier.gateway.metrics.BrokerMeters} watches the broker's link. The Prometheus scrape itself is
 * served by the transport ({@code GET /metrics}).
 *
 * <p>Depends on Micrometer, the cluster seams and the protocol's enums; no Netty. Everything here is
 * thread-safe: meters are updated from event loops, broker threads and the scheduler.
 */
package io.crier.gateway.metrics;
