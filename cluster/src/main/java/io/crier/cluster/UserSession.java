package io.crier.cluster;

import java.util.Objects;

/**
 * One live session of an authenticated user, as the {@link UserStatusLog} leases it: the user, the session's
 * node-unique id and the node that holds it. Immutable.
 */
public record UserSession(String user, String sessionId, String node) {

    public UserSession {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(node, "node");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("an anonymous session has no status");
        }
    }
}
