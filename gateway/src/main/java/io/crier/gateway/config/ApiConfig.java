package io.crier.gateway.config;

import java.nio.charset.StandardCharsets;

/**
 * The HTTP publish API ({@code POST /api/v1/publish} and its batch form), authenticated with a Bearer key.
 * The constructor validates and reports every bad field by key; {@link #toString()} never shows the key.
 * Immutable and thread-safe.
 *
 * @param key      {@code api.key}: the key a request must present as {@code Authorization: Bearer <key>}; empty
 *                 turns the HTTP API off; else at least {@value #MIN_KEY_BYTES} bytes in UTF-8
 * @param maxBatch {@code api.maxBatch}: the most publications in one batch request; 1..10000
 */
public record ApiConfig(String key, int maxBatch) {

    /** The shortest accepted key, in bytes. */
    public static final int MIN_KEY_BYTES = 32;

    /** @throws InvalidConfigException listing every bad field */
    public ApiConfig {
        ConfigProblems problems = new ConfigProblems();
        if (key == null) {
            problems.add("api.key", "must be set (empty turns the HTTP API off)");
        } else if (!key.isEmpty()) {
            int bytes = key.getBytes(StandardCharsets.UTF_8).length;
            // Never echo the key itself, only its length.
            problems.check(bytes >= MIN_KEY_BYTES, "api.key", "must be at least " + MIN_KEY_BYTES
                    + " bytes, got " + bytes + " bytes");
        }
        problems.range("api.maxBatch", maxBatch, 1, 10_000);
        problems.throwIfAny();
    }

    /** Whether the HTTP API is on (a key is configured). */
    public boolean enabled() {
        return !key.isEmpty();
    }

    /** The key as UTF-8 bytes (a fresh copy), for a constant-time comparison. */
    public byte[] keyBytes() {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ApiConfig[key=" + (enabled() ? "<redacted>" : "<none: HTTP API off>") + ", maxBatch=" + maxBatch + "]";
    }
}
