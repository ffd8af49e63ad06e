package io.crier.gateway.fleet;

import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import io.crier.gateway.session.Session;
import io.crier.protocol.Close;
import java.time.Instant;
import java.util.List;

/**
 * A {@link LiveSession} for domain tests: a user with a token id and issue time, which records the one close it was
 * closed with (a second close is refused, as the Disconnector refuses one). Thread-safe.
 */
final class RecordingSession implements LiveSession {

    private final User user;
    private Close closedWith;

    RecordingSession(String user, String tokenId, Instant issuedAt) {
        this.user = new User(user, TopicPatterns.NONE, TopicPatterns.NONE, Instant.MAX, null, List.of(), tokenId,
                issuedAt);
    }

    @Override
    public User user() {
        return user;
    }

    @Override
    public Session session() {
        throw new UnsupportedOperationException("domain tests have no session");
    }

    @Override
    public synchronized boolean disconnect(Close code) {
        if (closedWith != null) {
            return false;
        }
        closedWith = code;
        return true;
    }

    /** The code the session was closed with, or {@code null}. */
    synchronized Close closedWith() {
        return closedWith;
    }
}
