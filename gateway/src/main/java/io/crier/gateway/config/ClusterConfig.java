package io.crier.gateway.config;

import java.time.Duration;

/**
 * How a node keeps its record in the cluster view ({@code GET /api/v1/nodes}). Each node renews its record every
 * {@code nodeRefreshInterval}; a record not renewed for {@code nodeLease} (its node died) disappears, so a dead
 * node leaves the view within {@code nodeLease} of its last refresh. The constructor validates and reports every
 * bad field by key. Immutable and thread-safe.
 *
 * @param nodeLease           {@code cluster.nodeLease}: how long a record outlives its node's last refresh; 1s..1h
 * @param nodeRefreshInterval {@code cluster.nodeRefreshInterval}: how often a node renews its record; 100ms..10m
 *                            and less than half of {@code nodeLease}, so that one late refresh does not drop a live
 *                            node
 */
public record ClusterConfig(Duration nodeLease, Duration nodeRefreshInterval) {

    /** @throws InvalidConfigException listing every bad field */
    public ClusterConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.range("cluster.nodeLease", nodeLease, Duration.ofSeconds(1), Duration.ofHours(1));
        problems.range("cluster.nodeRefreshInterval", nodeRefreshInterval, Duration.ofMillis(100),
                Duration.ofMinutes(10));
        if (nodeLease != null && nodeRefreshInterval != null) {
            problems.check(nodeRefreshInterval.multipliedBy(2).compareTo(nodeLease) < 0,
                    "cluster.nodeRefreshInterval", "must be less than half of cluster.nodeLease ("
                            + Durations.format(nodeLease) + "), got " + Durations.format(nodeRefreshInterval));
        }
        problems.throwIfAny();
    }
}
