package io.crier.gateway.config;

import io.crier.cluster.RedisBrokerConfig;

/**
 * The whole configuration of one node: one immutable tree, read once at startup by {@link ConfigLoader}
 * from bundled defaults, then a file, then {@code CRIER_*} environment variables. Each component gets
 * its own slice through its constructor.
 *
 * <p>Immutable and thread-safe.
 */
public record CrierConfig(
        NodeConfig node,
        ServerConfig server,
        AuthConfig auth,
        SessionConfig session,
        LimitsConfig limits,
        HubConfig hub,
        RedisBrokerConfig redis) {
}
