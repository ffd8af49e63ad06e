package io.crier.gateway.auth;

import java.time.Clock;
import java.time.Duration;

/**
 * Mints tokens for development mode only (no secret configured): any user name, allowed to subscribe and
 * publish to every topic. Never constructed when a real secret is configured. Thread-safe.
 * (Skeleton: the implementation lands with the auth work.)
 */
public final class DevTokenIssuer {

    public DevTokenIssuer(byte[] hmacSecret, Clock clock, Duration ttl) {
    }

    /** A signed token for {@code user}, which must be 1 to 64 characters of {@code A-Za-z0-9_-.}. */
    public String issue(String user) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
