package io.crier.gateway.config;

/**
 * Recovery on subscribe. The constructor validates and reports every bad field by key. Immutable and
 * thread-safe.
 *
 * @param maxPublications {@code recovery.maxPublications}: the most publications replayed for one
 *                        {@code subscribe} with {@code since}; a bigger gap is answered with
 *                        {@code recovered:false}; 1..100000
 */
public record RecoveryConfig(int maxPublications) {

    /** @throws InvalidConfigException listing every bad field */
    public RecoveryConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.range("recovery.maxPublications", maxPublications, 1, 100_000);
        problems.throwIfAny();
    }
}
