package io.crier.gateway.hub;

/** A {@link Subscriber} for tests, identified by its session id. Immutable. */
public record TestSubscriber(String sessionId) implements Subscriber {
}
