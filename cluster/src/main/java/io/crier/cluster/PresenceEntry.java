package io.crier.cluster;

import java.util.Objects;

/**
 * One session present on a topic: its session id, its user ({@code ""} for an anonymous session), its node,
 * and optional info from the token's claims as UTF-8 JSON ({@code null} when there is none). Immutable by
 * convention.
 */
public record PresenceEntry(String sessionId, String user, String node, byte[] info) {

    public PresenceEntry {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(node, "node");
    }
}
