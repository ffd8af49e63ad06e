package io.crier.gateway.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Authentication. The constructor validates and reports every bad field by key; {@link #toString()}
 * never shows the secret. Immutable and thread-safe.
 *
 * @param hmacSecret  {@code auth.hmacSecret}: the HS256 secret that signs client tokens, at least
 *                    {@value #MIN_SECRET_BYTES} bytes in UTF-8 (HS256 needs a 256-bit key); empty means
 *                    development mode (a random secret and the {@code /dev/token} endpoint)
 * @param authTimeout {@code auth.authTimeout}: how long a new socket may take to authenticate (up to 5m)
 */
public record AuthConfig(String hmacSecret, Duration authTimeout) {

    /** The shortest accepted secret, in bytes. */
    public static final int MIN_SECRET_BYTES = 32;

    /** @throws InvalidConfigException listing every bad field */
    public AuthConfig {
        ConfigProblems problems = new ConfigProblems();
        if (hmacSecret == null) {
            problems.add("auth.hmacSecret", "must be set (empty means development mode)");
        } else if (!hmacSecret.isEmpty()) {
            int bytes = hmacSecret.getBytes(StandardCharsets.UTF_8).length;
            // Never echo the secret itself, only its length.
            problems.check(bytes >= MIN_SECRET_BYTES, "auth.hmacSecret", "must be at least "
                    + MIN_SECRET_BYTES + " bytes (HS256 needs a 256-bit key), got " + bytes + " bytes");
        }
        problems.range("auth.authTimeout", authTimeout, Duration.ofMillis(1), Duration.ofMinutes(5));
        problems.throwIfAny();
    }

    /** Whether no secret is configured, so the node runs in development mode. */
    public boolean devMode() {
        return hmacSecret.isEmpty();
    }

    /** The secret as the UTF-8 bytes that sign and verify tokens (a fresh copy). */
    public byte[] hmacSecretBytes() {
        return hmacSecret.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "AuthConfig[hmacSecret=" + (devMode() ? "<none: dev mode>" : "<redacted>")
                + ", authTimeout=" + authTimeout + "]";
    }
}
