package io.crier.gateway.config;

/**
 * The admin API (drain and other operator calls). The constructor validates and reports every bad field
 * by key; {@link #toString()} never shows the key. Immutable and thread-safe.
 *
 * @param key {@code admin.key}: the key an admin request must present; empty turns the admin API off;
 *            else at least {@value #MIN_KEY_BYTES} bytes in UTF-8
 */
public record AdminConfig(String key) implements KeyedApi {

    /** The shortest accepted key, in bytes. */
    public static final int MIN_KEY_BYTES = SecretKeys.MIN_BYTES;

    private static final String API = "admin API";

    /** @throws InvalidConfigException listing every bad field */
    public AdminConfig {
        ConfigProblems problems = new ConfigProblems();
        SecretKeys.check(problems, "admin.key", key, API);
        problems.throwIfAny();
    }

    @Override
    public String toString() {
        return "AdminConfig[key=" + SecretKeys.describe(key, API) + "]";
    }
}
