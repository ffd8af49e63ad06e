package io.crier.cluster.memory;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.HistoryStore;
import io.crier.cluster.StoredPublication;
import io.crier.cluster.StreamPosition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * The history of one topic in {@link InMemoryHistoryStore}, with the same rules as the Redis function
 * library: offsets from 1 in an epoch, at most {@code size} entries, entries older than the ttl skipped,
 * and the whole history (epoch included) gone {@code ttl} after the last publication.
 *
 * <p>Not thread-safe: every method is called holding this object's monitor.
 */
final class InMemoryTopicHistory {

    private record Entry(long offset, byte[] data, long publishedMillis) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    /** Null until the first publication, and again once the history expired. */
    private String epoch;
    private long offset;
    private long lastPublishMillis;
    private long ttlMillis;
    /** Set when the store dropped this object from its map: a publisher holding it must look again. */
    private boolean removed;

    /** Appends {@code data} (owned by this object from now on) and returns its position. */
    StreamPosition append(byte[] data, HistoryOptions options, long nowMillis, Supplier<String> newEpoch) {
        if (epoch == null || expired(nowMillis)) {
            epoch = newEpoch.get();
            offset = 0;
            entries.clear();
        }
        offset++;
        entries.addLast(new Entry(offset, data, nowMillis));
        lastPublishMillis = nowMillis;
        ttlMillis = options.ttl().toMillis();
        while (entries.size() > options.size()
                || entries.peekFirst().publishedMillis() < nowMillis - ttlMillis) {
            entries.removeFirst();
        }
        return new StreamPosition(offset, epoch);
    }

    /** Reads what {@link HistoryStore#read} asks for, as the Redis function {@code crier_history} does. */
    HistorySlice read(long after, int limit, HistoryOptions options, long nowMillis) {
        if (epoch == null || expired(nowMillis)) {
            return new HistorySlice(new StreamPosition(0, HistoryStore.NO_EPOCH), List.of(), after == 0);
        }
        StreamPosition position = new StreamPosition(offset, epoch);
        if (after >= offset) {
            // Above the top means the caller saw offsets this history no longer has: never complete.
            return new HistorySlice(position, List.of(), after == offset);
        }
        long cutoff = nowMillis - options.ttl().toMillis();
        List<StoredPublication> read = new ArrayList<>(Math.min(limit, entries.size()));
        long first = -1;
        for (Entry entry : entries) {
            // Only a prefix is skipped for age, so that what is returned never has a hole.
            if (entry.offset() <= after || (first < 0 && entry.publishedMillis() < cutoff)) {
                continue;
            }
            if (first < 0) {
                first = entry.offset();
            }
            if (read.size() >= limit) {
                break;
            }
            read.add(new StoredPublication(entry.offset(), entry.data()));
        }
        return new HistorySlice(position, read, first == after + 1);
    }

    /** Whether the whole history is gone: {@code ttl} passed since the last publication. */
    boolean expired(long nowMillis) {
        return epoch != null && nowMillis - lastPublishMillis >= ttlMillis;
    }

    boolean removed() {
        return removed;
    }

    void markRemoved() {
        removed = true;
    }
}
