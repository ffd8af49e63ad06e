package io.crier.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * How much history one topic keeps: at most {@code size} publications, and each for at most {@code ttl}
 * (the whole history also expires {@code ttl} after the topic's last publication). Immutable.
 *
 * @param size entries kept per topic, at least 1
 * @param ttl  how long a publication stays readable, at least one second
 */
public record HistoryOptions(int size, Duration ttl) {

    public HistoryOptions {
        Objects.requireNonNull(ttl, "ttl");
        if (size < 1) {
            throw new IllegalArgumentException("history size must be at least 1, got " + size);
        }
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("history ttl must be at least 1s, got " + ttl);
        }
    }
}
