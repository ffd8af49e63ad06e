package io.crier.gateway.config;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Which configuration keys hold secrets ({@link #NAMES}, never printed), and the rules for an optional secret key
 * of the config ({@code api.key}, {@code admin.key}): empty turns its API off, else it must have at least
 * {@value #MIN_BYTES} bytes in UTF-8. A problem names only the key's length and {@link #describe} only whether it
 * is set, so the key is never printed. Stateless and thread-safe.
 */
final class SecretKeys {

    /**
     * The configuration keys whose values are secrets: the startup description ({@link LoadedKeys}) shows only
     * whether each is set. A password in {@code redis.uri} is left out there by {@code RedisConfig.redactedUri}.
     */
    static final Set<String> NAMES = Set.of("auth.hmacSecret", "auth.hmacSecretPrevious", "tls.keyPassword",
            "admin.key", "api.key");

    /** The shortest accepted key, in bytes. */
    static final int MIN_BYTES = 32;

    private SecretKeys() {
    }

    /**
     * Adds a problem for {@code key} (the value of config key {@code name}) when it is missing or too short.
     *
     * @param api the API an empty key turns off, e.g. {@code "HTTP API"}
     */
    static void check(ConfigProblems problems, String name, String key, String api) {
        if (key == null) {
            problems.add(name, "must be set (empty turns the " + api + " off)");
        } else if (!key.isEmpty()) {
            int bytes = key.getBytes(StandardCharsets.UTF_8).length;
            // Never echo the key itself, only its length.
            problems.check(bytes >= MIN_BYTES, name, "must be at least " + MIN_BYTES
                    + " bytes, got " + bytes + " bytes");
        }
    }

    /** Whether {@code key} is configured (non-empty), which turns its API on. */
    static boolean enabled(String key) {
        return !key.isEmpty();
    }

    /** {@code key} as UTF-8 bytes (a fresh copy), for a constant-time comparison. */
    static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** What {@code toString} shows for {@code key}: that it is set, never the key itself. */
    static String describe(String key, String api) {
        return enabled(key) ? "<redacted>" : "<none: " + api + " off>";
    }
}
