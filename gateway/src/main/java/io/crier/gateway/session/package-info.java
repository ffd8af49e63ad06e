/**
 * Sessions: the server state of one authenticated connection and the handling of its commands
 * (permissions, topic limit, calls into the hub), as plain Java with no Netty types.
 *
 * <p>Depends on the hub, auth, protocol and cluster packages. A session is confined to its connection's
 * event loop; the stages it returns may complete on broker threads.
 */
package io.crier.gateway.session;
