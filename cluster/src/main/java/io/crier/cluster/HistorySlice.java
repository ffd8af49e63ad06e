package io.crier.cluster;

import java.util.List;
import java.util.Objects;

/**
 * The answer to {@link HistoryStore#read}: the topic's current position, the publications read (oldest
 * first, consecutive offsets), and whether they are <em>complete</em>: {@code true} when every publication
 * after the requested offset up to the last one returned (or up to the current position, when the limit
 * was not reached) was still stored. Immutable.
 *
 * @param position     the topic's current position (its last offset and its epoch)
 * @param publications the publications read
 * @param complete     whether nothing after the requested offset was trimmed or expired
 */
public record HistorySlice(StreamPosition position, List<StoredPublication> publications, boolean complete) {

    public HistorySlice {
        Objects.requireNonNull(position, "position");
        publications = List.copyOf(publications);
    }
}
