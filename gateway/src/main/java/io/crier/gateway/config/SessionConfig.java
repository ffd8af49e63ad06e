package io.crier.gateway.config;

import java.time.Duration;

/**
 * Per-session behaviour. The constructor validates and reports every bad field by key.
 *
 * @param heartbeat             {@code session.heartbeat}: the heartbeat interval (server pings, client
 *                              silence limit is two intervals); 1s..10m
 * @param maxTopics             {@code session.maxTopics}: topics one session may be subscribed to;
 *                              1..100000
 * @param maxOutboundQueueBytes {@code session.maxOutboundQueueBytes}: bytes queued for one slow client
 *                              before it is disconnected as a slow consumer; 1..1073741824
 */
public record SessionConfig(Duration heartbeat, int maxTopics, int maxOutboundQueueBytes) {

    /** @throws InvalidConfigException listing every bad field */
    public SessionConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.range("session.heartbeat", heartbeat, Duration.ofSeconds(1), Duration.ofMinutes(10));
        problems.range("session.maxTopics", maxTopics, 1, 100_000);
        problems.range("session.maxOutboundQueueBytes", maxOutboundQueueBytes, 1, 1 << 30);
        problems.throwIfAny();
    }
}
