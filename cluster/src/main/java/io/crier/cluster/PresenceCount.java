package io.crier.cluster;

/** How many sessions, and how many distinct users, are present on a topic. Immutable. */
public record PresenceCount(int sessions, int users) {
}
