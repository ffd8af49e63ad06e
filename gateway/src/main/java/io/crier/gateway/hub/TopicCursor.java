package io.crier.gateway.hub;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Where one topic with history stands on this node: the position of the last publication delivered to its
 * live sessions, and the state of a gap repair. Guarded by the {@link TopicEntry}'s monitor.
 *
 * <p>States: <b>unknown</b> ({@link #epoch} null: nothing delivered or read yet, the next publication or the
 * first recovery read sets it), <b>live</b> (publications must follow the cursor one by one), <b>repairing</b>
 * (a gap was seen or the broker link came back: live publications are {@link #held} while the missing ones
 * are read from history).
 */
final class TopicCursor {

    /** The epoch of {@link #offset}, or null while unknown. */
    String epoch;
    long offset;
    /** The hub's count of broker outages when the cursor last moved, to tell whether the link stayed up since. */
    long outages;
    boolean repairing;
    /** The id of the repair read whose answer is awaited; 0 when none is (waiting for the link or a retry). */
    long awaitedRead;
    long readIds;
    /** Whether the link came back while a repair read was in flight: read once more after it. */
    boolean repairAgain;
    /** Consecutive repair reads that failed while the broker was connected. */
    int failedReads;
    /** Live publications held while repairing, in arrival order. */
    final Deque<Positioned> held = new ArrayDeque<>();

    boolean known() {
        return epoch != null;
    }

    void moveTo(Positioned publication, long outagesNow) {
        offset = publication.offset();
        epoch = publication.epoch();
        outages = outagesNow;
    }

    /** Back to unknown, dropping any repair (an answer still in flight is then ignored). */
    void forget() {
        epoch = null;
        offset = 0;
        repairing = false;
        awaitedRead = 0;
        repairAgain = false;
        failedReads = 0;
        held.clear();
    }

    /** Starts a repair read and returns its id. */
    long newRead() {
        awaitedRead = ++readIds;
        return awaitedRead;
    }
}
