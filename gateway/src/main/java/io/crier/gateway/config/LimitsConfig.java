package io.crier.gateway.config;

/**
 * Limits on what clients send and on how many connections they hold. The constructor validates and
 * reports every bad field by key. Immutable and thread-safe.
 *
 * @param maxMessageBytes       {@code limits.maxMessageBytes}: the largest frame, and the largest message
 *                              reassembled from continuation frames (close 1009 above it); 1024..16777216
 * @param maxDataBytes          {@code limits.maxDataBytes}: the largest {@code data} of a {@code publish}
 *                              (error reply {@code too_large} above it); below {@code maxMessageBytes},
 *                              since the envelope around the data needs room too
 * @param maxConnections        {@code limits.maxConnections}: connections on this node; when full, upgrades
 *                              are refused with HTTP 503 so that a load balancer retries elsewhere
 * @param maxConnectionsPerUser {@code limits.maxConnectionsPerUser}: sessions of one user on this node;
 *                              one more is closed with 4005 {@code connection_limit}
 * @param maxConnectionsPerIp   {@code limits.maxConnectionsPerIp}: connections from one client IP address
 *                              on this node
 * @param commandsPerSecond     {@code limits.commandsPerSecond}: the refill rate of each session's command
 *                              token bucket; a command with no token left gets {@code rate_limited}
 * @param commandBurst          {@code limits.commandBurst}: the size of that bucket
 * @param floodDisconnectAfter  {@code limits.floodDisconnectAfter}: this many rate-limited commands in a
 *                              row close the session with 4502 {@code command_flood}
 */
public record LimitsConfig(
        int maxMessageBytes,
        int maxDataBytes,
        int maxConnections,
        int maxConnectionsPerUser,
        int maxConnectionsPerIp,
        int commandsPerSecond,
        int commandBurst,
        int floodDisconnectAfter) {

    /** The smallest accepted {@code maxMessageBytes}. */
    public static final int MIN_MESSAGE_BYTES = 1024;
    /** The largest accepted {@code maxMessageBytes} (16 MiB). */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** The largest accepted connection limit of any kind. */
    public static final int MAX_CONNECTIONS = 10_000_000;

    /** @throws InvalidConfigException listing every bad field */
    public LimitsConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.range("limits.maxMessageBytes", maxMessageBytes, MIN_MESSAGE_BYTES, MAX_MESSAGE_BYTES);
        if (maxDataBytes < 1 || maxDataBytes >= maxMessageBytes) {
            problems.add("limits.maxDataBytes", "must be 1.." + (maxMessageBytes - 1L)
                    + " (below limits.maxMessageBytes), got " + maxDataBytes);
        }
        problems.range("limits.maxConnections", maxConnections, 1, MAX_CONNECTIONS);
        problems.range("limits.maxConnectionsPerUser", maxConnectionsPerUser, 1, MAX_CONNECTIONS);
        problems.range("limits.maxConnectionsPerIp", maxConnectionsPerIp, 1, MAX_CONNECTIONS);
        problems.range("limits.commandsPerSecond", commandsPerSecond, 1, 100_000);
        problems.range("limits.commandBurst", commandBurst, 1, 1_000_000);
        problems.range("limits.floodDisconnectAfter", floodDisconnectAfter, 1, 1_000_000);
        problems.throwIfAny();
    }
}
