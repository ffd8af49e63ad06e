package io.crier.gateway.config;

import java.time.Duration;

/**
 * How presence is kept alive and reported. Each node renews its sessions' presence entries every
 * {@code refreshInterval}; an entry not renewed for {@code ttl} (because its node died) disappears, so a dead
 * node's sessions leave presence within {@code ttl} (plus one refresh interval at most). The constructor
 * validates and reports every bad field by key. Immutable and thread-safe.
 *
 * @param ttl             {@code presence.ttl}: how long an entry outlives its node's last refresh; 2s..1h
 * @param refreshInterval {@code presence.refreshInterval}: how often a node renews its entries; 100ms..10m and
 *                        less than half of {@code ttl}, so that one late refresh does not drop live sessions
 * @param leaveGrace      {@code presence.leaveGrace}: how long a leave waits before it is published and the entry
 *                        removed, so that a session that reconnects at once does not flap; 0..1m
 * @param maxList         {@code presence.maxList}: the most sessions a {@code presence} reply lists; 1..100000
 */
public record PresenceConfig(Duration ttl, Duration refreshInterval, Duration leaveGrace, int maxList) {

    /** @throws InvalidConfigException listing every bad field */
    public PresenceConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.range("presence.ttl", ttl, Duration.ofSeconds(2), Duration.ofHours(1));
        problems.range("presence.refreshInterval", refreshInterval, Duration.ofMillis(100), Duration.ofMinutes(10));
        if (ttl != null && refreshInterval != null) {
            problems.check(refreshInterval.multipliedBy(2).compareTo(ttl) < 0, "presence.refreshInterval",
                    "must be less than half of presence.ttl (" + Durations.format(ttl) + "), got "
                            + Durations.format(refreshInterval));
        }
        problems.range("presence.leaveGrace", leaveGrace, Duration.ZERO, Duration.ofMinutes(1));
        problems.range("presence.maxList", maxList, 1, 100_000);
        problems.throwIfAny();
    }
}
