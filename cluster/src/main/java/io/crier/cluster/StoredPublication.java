package io.crier.cluster;

import java.util.Objects;

/**
 * One publication read back from history: its offset and the UTF-8 JSON of its {@code data}. Immutable
 * by convention: callers must not change the array.
 */
public record StoredPublication(long offset, byte[] data) {

    public StoredPublication {
        Objects.requireNonNull(data, "data");
    }
}
