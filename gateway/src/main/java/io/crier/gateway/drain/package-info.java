/**
 * Graceful drain for rolling deploys: {@link io.crier.gateway.drain.DrainPlan} decides when each session of a
 * draining node is disconnected so that the disconnects are spread evenly over the drain window, and
 * {@link io.crier.gateway.drain.DrainPacer} runs that plan on a scheduler, with a random reconnect delay hint
 * per session, and completes when the node is empty or the window ends.
 *
 * <p>Plain Java with no Netty types (the transport implements {@link io.crier.gateway.drain.DrainPacer.Target});
 * depends on nothing else in the gateway. The pacer's work runs on the scheduler it is given; its state is
 * guarded by its own lock.
 */
package io.crier.gateway.drain;
