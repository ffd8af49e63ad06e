package io.crier.gateway.config;

import java.time.Duration;

/**
 * The hub's topic bookkeeping. The constructor validates and reports every bad field by key.
 *
 * @param unsubscribeGrace {@code hub.unsubscribeGrace}: how long the node stays subscribed on the broker
 *                         after a topic's last local subscriber leaves, so that churn does not cost a
 *                         Redis round trip each time; 0..1m, 0 unsubscribes at once
 */
public record HubConfig(Duration unsubscribeGrace) {

    /** @throws InvalidConfigException listing every bad field */
    public HubConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.range("hub.unsubscribeGrace", unsubscribeGrace, Duration.ZERO, Duration.ofMinutes(1));
        problems.throwIfAny();
    }
}
