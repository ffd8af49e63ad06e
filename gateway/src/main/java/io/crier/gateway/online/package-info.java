/**
 * Online/offline events of users across the fleet ({@code events.*}, docs/online-events.md).
 * {@link io.crier.gateway.online.OnlineTracker} leases each authenticated session of this node in the
 * {@link io.crier.cluster.UserStatusLog}, renews the leases on a heartbeat, ends them when sessions close and sweeps
 * the log; {@link io.crier.gateway.online.NodeOnline} wires it from the config.
 *
 * <p>Depends on the cluster seam, config, auth's {@code User}, the session hook it implements and the meter
 * catalog; no Netty. Threading: every class is thread-safe; log calls are asynchronous and made without blocking,
 * from session event loops and the node's scheduler.
 */
package io.crier.gateway.online;
