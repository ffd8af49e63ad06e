package io.crier.gateway.config;

/**
 * The HTTP publish API ({@code POST /api/v1/publish} and its batch form), authenticated with a Bearer key.
 * The constructor validates and reports every bad field by key; {@link #toString()} never shows the key.
 * Immutable and thread-safe.
 *
 * @param key      {@code api.key}: the key a request must present as {@code Authorization: Bearer <key>}; empty
 *                 turns the HTTP API off; else at least {@value #MIN_KEY_BYTES} bytes in UTF-8
 * @param maxBatch {@code api.maxBatch}: the most publications in one batch request; 1..10000
 */
public record ApiConfig(String key, int maxBatch) implements KeyedApi {

    /** The shortest accepted key, in bytes. */
    public static final int MIN_KEY_BYTES = SecretKeys.MIN_BYTES;

    private static final String API = "HTTP API";

    /** @throws InvalidConfigException listing every bad field */
    public ApiConfig {
        ConfigProblems problems = new ConfigProblems();
        SecretKeys.check(problems, "api.key", key, API);
        problems.range("api.maxBatch", maxBatch, 1, 10_000);
        problems.throwIfAny();
    }

    @Override
    public String toString() {
        return "ApiConfig[key=" + SecretKeys.describe(key, API) + ", maxBatch=" + maxBatch + "]";
    }
}
