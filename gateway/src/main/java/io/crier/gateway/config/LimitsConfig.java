package io.crier.gateway.config;

/**
 * Size limits on what clients send.
 *
 * @param maxMessageBytes {@code limits.maxMessageBytes}: the largest frame, and the largest message
 *                        reassembled from continuation frames (close 1009 above it)
 * @param maxDataBytes    {@code limits.maxDataBytes}: the largest {@code data} of a {@code publish}
 *                        (error reply {@code too_large} above it)
 */
public record LimitsConfig(int maxMessageBytes, int maxDataBytes) {
}
