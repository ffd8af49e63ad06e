package io.crier.protocol;

/**
 * What one inbound text frame decodes to: either a well-formed {@link Command} or a {@link Malformed}
 * description of what was wrong with it.
 *
 * <p>All implementations are immutable and thread-safe.
 */
public sealed interface Inbound permits Command, Malformed {
}
