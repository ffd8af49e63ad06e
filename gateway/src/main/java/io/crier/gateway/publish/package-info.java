/**
 * Publishing on behalf of backends, as plain Java: {@link io.crier.gateway.publish.PublishService} sends a
 * publication the way the hub's {@code PublishRoute} decides (through the {@code HistoryStore} when its topic's
 * namespace keeps history, so it gets an offset, else through the {@code Broker}), keeps a batch's publications
 * to one topic in order, and turns failures into the HTTP publish API's error codes ({@code auth.BearerKey}
 * checks the API key); {@link io.crier.gateway.publish.PublishApiMeters} counts requests and publications.
 *
 * <p>Depends on the hub's {@code PublishRoute}, {@code io.crier.cluster}, {@code io.crier.protocol} and
 * Micrometer; no Netty (the transport's {@code PublishApiHandler} reads the HTTP requests and writes the
 * responses).
 *
 * <p>Threading: every class here is thread-safe and shared by the whole node; the stages of
 * {@code PublishService} complete on the broker's or the history store's threads and never block.
 */
package io.crier.gateway.publish;
