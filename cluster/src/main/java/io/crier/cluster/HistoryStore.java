package io.crier.cluster;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Keeps the recent publications of topics that have history, and publishes to them. Each publication on
 * such a topic gets an {@code offset} (1, 2, 3, ... per topic, with no gap) and carries the topic's
 * {@code epoch}, a string that changes whenever the topic's history is lost (the backend restarted without
 * persistence, or the history expired), starting again at offset 1, and whenever the store cannot rule out that
 * it lost the last publications (Redis after a failover to a replica, or after a restart): such an epoch
 * continues the previous one's offsets, and reads say from which position ({@link HistorySlice#continuedFrom}),
 * so that a reader who saw nothing after it reads on, and one who saw more learns that it cannot recover.
 * Appending and publishing are one atomic step: every node receives,
 * through its {@link Broker}, the publications of a topic in offset order, as payloads in the format of
 * {@code PublicationCodec} that carry their offset and epoch.
 *
 * <p>Contract, checked by the history contract suite for every implementation:
 * <ul>
 *   <li>{@link #publish} assigns the next offset atomically with the broker publish; concurrent publishers
 *       never produce a duplicate or missing offset, and subscribers see offsets in increasing order.</li>
 *   <li>{@link #read} returns the stored publications after an offset, in order, together with the current
 *       position; it says when publications after that offset are no longer all stored (trimmed by size or
 *       age, or lost with the epoch), so that the caller never mistakes a partial read for a complete one.</li>
 *   <li>History is bounded by size (entries per topic) and by age (how long it is kept after the last
 *       publication, and no entry older than that is returned).</li>
 * </ul>
 *
 * <p>Implementations are thread-safe; stages complete on the store's threads.
 */
public interface HistoryStore extends AutoCloseable {

    /**
     * The epoch of a topic that has no history (nothing published within its ttl, or never): read
     * positions are {@code (0, NO_EPOCH)} then. No real epoch ever equals it (real ones are letters and digits
     * only), so a client position in it never counts as recoverable once a publication created a real epoch.
     */
    String NO_EPOCH = "-";

    /**
     * Runs {@code read} once the arguments of a {@link #read} pass the checks every store makes alike: no
     * {@code null} topic or options ({@link NullPointerException}, thrown), no negative {@code afterOffset} or
     * {@code limit} (a stage failed with {@link IllegalArgumentException}).
     */
    static CompletionStage<HistorySlice> checkedRead(String topic, long afterOffset, int limit, HistoryOptions options,
                                                     Supplier<CompletionStage<HistorySlice>> read) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(options, "options");
        if (afterOffset < 0 || limit < 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "afterOffset and limit must not be negative, got " + afterOffset + " and " + limit));
        }
        return read.get();
    }

    /**
     * Appends {@code data} (the UTF-8 JSON of one value) to {@code topic}'s history and publishes it to every
     * node subscribed to the topic, atomically. The stage completes with the position of the new publication,
     * or fails with {@link BrokerUnavailableException} when the backend is unreachable.
     */
    CompletionStage<StreamPosition> publish(String topic, byte[] data, HistoryOptions options);

    /**
     * Reads {@code topic}'s stored publications with an offset greater than {@code afterOffset}, at most
     * {@code limit} of them, oldest first, with the current position. {@code afterOffset} of 0 reads from
     * the start of what is stored; a {@code limit} of 0 reads only the position.
     */
    CompletionStage<HistorySlice> read(String topic, long afterOffset, int limit, HistoryOptions options);

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
