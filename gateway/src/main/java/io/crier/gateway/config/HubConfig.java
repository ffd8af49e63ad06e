package io.crier.gateway.config;

import java.time.Duration;

/**
 * The hub's topic bookkeeping.
 *
 * @param unsubscribeGrace {@code hub.unsubscribeGrace}: how long the node stays subscribed on the broker
 *                         after a topic's last local subscriber leaves, so that churn does not cost a
 *                         Redis round trip each time
 */
public record HubConfig(Duration unsubscribeGrace) {
}
