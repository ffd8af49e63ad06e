package io.crier.gateway.config;

/**
 * permessage-deflate (RFC 7692). The constructor validates and reports every bad field by key. Immutable
 * and thread-safe.
 *
 * @param enabled  {@code compression.enabled}: whether permessage-deflate is negotiated when a client
 *                 offers it
 * @param minBytes {@code compression.minBytes}: frames smaller than this are sent uncompressed, since
 *                 deflating them costs CPU and saves little; 0..16777216
 * @param level    {@code compression.level}: the deflate level, 1 (fastest) .. 9 (smallest)
 */
public record CompressionConfig(boolean enabled, int minBytes, int level) {

    /** @throws InvalidConfigException listing every bad field */
    public CompressionConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.range("compression.minBytes", minBytes, 0, LimitsConfig.MAX_MESSAGE_BYTES);
        problems.range("compression.level", level, 1, 9);
        problems.throwIfAny();
    }
}
