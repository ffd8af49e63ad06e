package io.crier.gateway.config;

import java.time.Duration;

/**
 * Per-session behaviour.
 *
 * @param heartbeat             {@code session.heartbeat}: the heartbeat interval (server pings, client
 *                              silence limit is two intervals)
 * @param maxTopics             {@code session.maxTopics}: topics one session may be subscribed to
 * @param maxOutboundQueueBytes {@code session.maxOutboundQueueBytes}: bytes queued for one slow client
 *                              before it is disconnected as a slow consumer
 */
public record SessionConfig(Duration heartbeat, int maxTopics, int maxOutboundQueueBytes) {
}
