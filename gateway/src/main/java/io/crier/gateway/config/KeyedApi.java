package io.crier.gateway.config;

/**
 * An HTTP API that a key turns on and that requests must present ({@code api.key}, {@code admin.key}): what the
 * configs of those APIs share. Implementations are immutable records.
 */
interface KeyedApi {

    /** The configured key; empty turns the API off. */
    String key();

    /** Whether the API is on (a key is configured). */
    default boolean enabled() {
        return SecretKeys.enabled(key());
    }

    /** The key as UTF-8 bytes (a fresh copy), for a constant-time comparison. */
    default byte[] keyBytes() {
        return SecretKeys.bytes(key());
    }
}
