package io.crier.gateway.config;

import java.time.Duration;

/**
 * The server API's fleet-wide actions and the revocations they keep. The constructor validates and reports every
 * bad field by key. Immutable and thread-safe.
 *
 * @param answerTimeout    {@code fleet.answerTimeout}: how long the node that took a server API action waits for
 *                         every node of the cluster view to say how many sessions it reached; 100ms..30s
 * @param revocationReload {@code fleet.revocationReload}: how often a node reloads every revocation from the store
 *                         (it also does at start and after its control subscription reconnects), so that a control
 *                         message it missed takes effect within this time; 1s..1h
 * @param maxTokenLifetime {@code fleet.maxTokenLifetime}: the longest lifetime of any token the fleet accepts
 *                         ({@code exp - iat}); an invalidation of a user's older tokens is kept this long; 1m..365d
 */
public record FleetConfig(Duration answerTimeout, Duration revocationReload, Duration maxTokenLifetime) {

    /** @throws InvalidConfigException listing every bad field */
    public FleetConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.range("fleet.answerTimeout", answerTimeout, Duration.ofMillis(100), Duration.ofSeconds(30));
        problems.range("fleet.revocationReload", revocationReload, Duration.ofSeconds(1), Duration.ofHours(1));
        problems.range("fleet.maxTokenLifetime", maxTokenLifetime, Duration.ofMinutes(1), Duration.ofDays(365));
        problems.throwIfAny();
    }
}
