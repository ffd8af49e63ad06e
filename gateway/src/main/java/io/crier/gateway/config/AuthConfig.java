package io.crier.gateway.config;

import java.time.Duration;

/**
 * Authentication.
 *
 * @param hmacSecret  {@code auth.hmacSecret}: the HS256 secret that signs client tokens; empty means
 *                    development mode (a random secret and the {@code /dev/token} endpoint)
 * @param authTimeout {@code auth.authTimeout}: how long a new socket may take to authenticate
 */
public record AuthConfig(String hmacSecret, Duration authTimeout) {

    /** Whether no secret is configured, so the node runs in development mode. */
    public boolean devMode() {
        return hmacSecret.isEmpty();
    }

    @Override
    public String toString() {
        return "AuthConfig[hmacSecret=" + (devMode() ? "<none: dev mode>" : "<redacted>")
                + ", authTimeout=" + authTimeout + "]";
    }
}
