/**
 * The node's logs: {@link io.crier.gateway.logging.LogSetup} applies {@code log.format} (text or JSON lines,
 * {@link io.crier.gateway.logging.JsonLogLayout}) with the node id on every line, and
 * {@link io.crier.gateway.logging.ConnectionLog} writes one rate-bounded INFO line per connection lifecycle
 * event with the session id in the MDC. Both formats write every logged value through
 * {@code LogEscaper} (the text format's {@code %escapedMsg} and {@code %escapedEx}), so
 * that a client's or a token's control characters cannot forge a line.
 *
 * <p>Depends on SLF4J, logback (the setup and the two formats), Micrometer and the config records; no Netty. Thread-safe:
 * lifecycle lines come from every event loop; the setup runs once on the main thread.
 */
package io.crier.gateway.logging;
