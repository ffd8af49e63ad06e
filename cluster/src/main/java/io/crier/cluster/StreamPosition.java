package io.crier.cluster;

import java.util.Objects;

/**
 * A position in a topic's history: the offset of a publication (0 before the first) in an epoch.
 * Immutable.
 */
public record StreamPosition(long offset, String epoch) {

    public StreamPosition {
        Objects.requireNonNull(epoch, "epoch");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, got " + offset);
        }
    }
}
