/**
 * The fixtures the gateway's tests share, apart from the tests themselves: nodes in-process
 * ({@link io.crier.gateway.support.TestFleet}) or as child processes ({@link io.crier.gateway.support.GatewayProcess},
 * {@link io.crier.gateway.support.ProcessFleet}), HAProxy and {@code deploy/bin/fleet} as child processes, backends
 * that publish through Redis, WebSocket clients (a plain one, {@link io.crier.gateway.support.WsTestClient}, and one
 * that follows a topic across reconnects, {@link io.crier.gateway.support.FleetClient}); the text of the well-formed
 * commands tests send comes from the protocol ({@link io.crier.protocol.ClientCommands}). Test code only; the load tests
 * (loadtest/) use it too, through the gateway's test-jar. May depend on the gateway, the protocol, the cluster and
 * its test fixtures (the Redis child processes), and the JDK's HTTP and WebSocket clients; never on a test class.
 * Each class states its own threading.
 */
package io.crier.gateway.support;
