package io.crier.gateway.config;

/**
 * Size limits on what clients send. The constructor validates and reports every bad field by key.
 *
 * @param maxMessageBytes {@code limits.maxMessageBytes}: the largest frame, and the largest message
 *                        reassembled from continuation frames (close 1009 above it); 1024..16777216
 * @param maxDataBytes    {@code limits.maxDataBytes}: the largest {@code data} of a {@code publish}
 *                        (error reply {@code too_large} above it); below {@code maxMessageBytes}, since
 *                        the envelope around the data needs room too
 */
public record LimitsConfig(int maxMessageBytes, int maxDataBytes) {

    /** The smallest accepted {@code maxMessageBytes}. */
    public static final int MIN_MESSAGE_BYTES = 1024;
    /** The largest accepted {@code maxMessageBytes} (16 MiB). */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /** @throws InvalidConfigException listing every bad field */
    public LimitsConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.range("limits.maxMessageBytes", maxMessageBytes, MIN_MESSAGE_BYTES, MAX_MESSAGE_BYTES);
        if (maxDataBytes < 1 || maxDataBytes >= maxMessageBytes) {
            problems.add("limits.maxDataBytes", "must be 1.." + (maxMessageBytes - 1L)
                    + " (below limits.maxMessageBytes), got " + maxDataBytes);
        }
        problems.throwIfAny();
    }
}
