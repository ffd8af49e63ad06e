package io.crier.gateway.hub;

/**
 * One publication of a topic with history, as the hub sequences it: its offset and epoch, and its encoded
 * {@code message} push, shared by every local subscriber. The push is {@code null} for a stored publication
 * whose data is not valid JSON: its offset is consumed, and nothing is written. Immutable by convention (the
 * push bytes are never changed).
 */
record Positioned(long offset, String epoch, byte[] push) {
}
