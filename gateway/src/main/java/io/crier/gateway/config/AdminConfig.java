package io.crier.gateway.config;

import java.nio.charset.StandardCharsets;

/**
 * The admin API (drain and other operator calls). The constructor validates and reports every bad field
 * by key; {@link #toString()} never shows the key. Immutable and thread-safe.
 *
 * @param key {@code admin.key}: the key an admin request must present; empty turns the admin API off;
 *            else at least {@value #MIN_KEY_BYTES} bytes in UTF-8
 */
public record AdminConfig(String key) {

    /** The shortest accepted key, in bytes. */
    public static final int MIN_KEY_BYTES = 32;

    /** @throws InvalidConfigException listing every bad field */
    public AdminConfig {
        ConfigProblems problems = new ConfigProblems();
        if (key == null) {
            problems.add("admin.key", "must be set (empty turns the admin API off)");
        } else if (!key.isEmpty()) {
            int bytes = key.getBytes(StandardCharsets.UTF_8).length;
            // Never echo the key itself, only its length.
            problems.check(bytes >= MIN_KEY_BYTES, "admin.key", "must be at least " + MIN_KEY_BYTES
                    + " bytes, got " + bytes + " bytes");
        }
        problems.throwIfAny();
    }

    /** Whether the admin API is on (a key is configured). */
    public boolean enabled() {
        return !key.isEmpty();
    }

    /** The key as UTF-8 bytes (a fresh copy), for a constant-time comparison. */
    public byte[] keyBytes() {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "AdminConfig[key=" + (enabled() ? "<redacted>" : "<none: admin API off>") + "]";
    }
}
