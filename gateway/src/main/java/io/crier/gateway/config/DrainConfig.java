package io.crier.gateway.config;

import java.time.Duration;

/**
 * Graceful drain for rolling deploys (on SIGTERM or an admin call). The constructor validates and reports
 * every bad field by key. Immutable and thread-safe.
 *
 * @param window            {@code drain.window}: the disconnects are paced over this window, so that the
 *                          fleet sees no reconnect storm; the process exits when the node is empty or the
 *                          window ends; 0..10m (0 disconnects everyone at once)
 * @param reconnectDelayMax {@code drain.reconnectDelayMax}: each session's {@code disconnect} push carries a
 *                          random reconnect delay hint in 0..this; 0..5m
 * @param readinessDelay    {@code drain.readinessDelay}: how long the node stays out of rotation
 *                          ({@code /readyz} 503) while still accepting upgrades, before it refuses them and
 *                          starts disconnecting; at least the load balancer's check interval times its fall
 *                          count, so that it never sends an upgrade to a node that refuses it; 0..5m
 */
public record DrainConfig(Duration window, Duration reconnectDelayMax, Duration readinessDelay) {

    /** @throws InvalidConfigException listing every bad field */
    public DrainConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.range("drain.window", window, Duration.ZERO, Duration.ofMinutes(10));
        problems.range("drain.reconnectDelayMax", reconnectDelayMax, Duration.ZERO, Duration.ofMinutes(5));
        problems.range("drain.readinessDelay", readinessDelay, Duration.ZERO, Duration.ofMinutes(5));
        problems.throwIfAny();
    }
}
