package io.crier.cluster;

import java.util.List;
import java.util.Objects;

/**
 * The answer to {@link HistoryStore#read}: the topic's current position, the publications read (oldest
 * first, consecutive offsets), whether they are <em>complete</em>, and the position of an earlier epoch that
 * the current one continues, if any. Complete is {@code true} when every publication after the requested
 * offset up to the last one returned (or up to the current position, when the limit was not reached) was still
 * stored. Immutable.
 *
 * @param position      the topic's current position (its last offset and its epoch)
 * @param publications  the publications read
 * @param complete      whether nothing after the requested offset was trimmed or expired
 * @param continuedFrom the position in the previous epoch where the current epoch took over, its offsets going
 *                      on from there (the store forked the topic because it may have lost publications after
 *                      that position, see {@link HistoryStore}); {@code null} when the current epoch started
 *                      at offset 1
 */
public record HistorySlice(StreamPosition position, List<StoredPublication> publications, boolean complete,
                           StreamPosition continuedFrom) {

    public HistorySlice {
        Objects.requireNonNull(position, "position");
        publications = List.copyOf(publications);
    }

    /** A slice of an epoch that started at offset 1. */
    public HistorySlice(StreamPosition position, List<StoredPublication> publications, boolean complete) {
        this(position, publications, complete, null);
    }

    /**
     * Whether a reader that last saw {@code offset} in {@code epoch} can read on in this slice's offsets: the
     * epoch is the current one, or the one the current epoch continues and the reader saw nothing after the
     * position where it was continued (what it saw after that may be lost, and its offsets given again).
     */
    public boolean continues(String epoch, long offset) {
        return position.epoch().equals(epoch)
                || continuedFrom != null && continuedFrom.epoch().equals(epoch) && offset <= continuedFrom.offset();
    }
}
