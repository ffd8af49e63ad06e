/**
 * Presence: who is subscribed to a topic across the fleet. {@link io.crier.gateway.presence.PresenceTracker}
 * keeps this node's sessions in the {@link io.crier.cluster.PresenceStore} (add on subscribe, renew on a
 * heartbeat, remove after the leave grace) and publishes join/leave events through
 * {@link io.crier.gateway.presence.PresenceEvents}; {@link io.crier.gateway.presence.PresencePushes} turns the
 * events of every node into pushes for local subscribers; {@link io.crier.gateway.presence.PresenceQuery}
 * answers the {@code presence} command.
 *
 * <p>Depends on the cluster seams (store, broker), config, auth's {@code User}, permissions, and the session
 * and hub hooks it implements; no Netty. Threading: every class is thread-safe; calls into the store and the
 * broker are asynchronous and made without blocking, from session event loops, broker threads and the node's
 * scheduler.
 */
package io.crier.gateway.presence;
