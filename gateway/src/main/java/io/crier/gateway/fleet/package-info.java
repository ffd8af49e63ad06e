/**
 * The server API's actions on users across the fleet ({@code POST /api/v1/<action>}: disconnect, unsubscribe,
 * subscribe, revoke, invalidate, block, unblock, info, and their batch) and the revocations they leave:
 * {@link io.crier.gateway.fleet.FleetActions} takes an action on the node a backend called (it stores a revocation,
 * then sends one control message that every node hears and answers with a count),
 * {@link io.crier.gateway.fleet.ControlReceiver} hears the control channel and has
 * {@link io.crier.gateway.fleet.LocalActions} apply each action to this node's {@link
 * io.crier.gateway.fleet.LiveSession}s, and {@link io.crier.gateway.fleet.RevocationCache} keeps every revocation in
 * memory (reloaded at start, after a control reconnect and every {@code fleet.revocationReload}), where
 * {@link io.crier.gateway.fleet.CheckedTokenVerifier} checks each connect and refresh.
 *
 * <p>Plain Java: depends on {@code auth}, {@code nodes}, {@code metrics}, the cluster seams and the protocol; no
 * Netty (the transport implements {@link io.crier.gateway.fleet.LiveSession}). Every class states its threading;
 * control messages arrive on the control channel's thread and nothing here blocks.
 */
package io.crier.gateway.fleet;
