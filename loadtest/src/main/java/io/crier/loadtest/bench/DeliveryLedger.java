package io.crier.loadtest.bench;

import java.util.HashSet;
import java.util.Set;

/**
 * One client's account of the sequence numbers it received on its topic: how many distinct ones, how many came
 * twice, how many came after a later one (out of order), and, given how many were published, how many were lost.
 * A gap's missing numbers are remembered (at most {@value #MAX_TRACKED} at a time) so that a late arrival is told
 * apart from a duplicate; numbers beyond that bound are counted as {@code untracked}, and a late arrival of one of
 * them counts as a duplicate.
 *
 * <p>Not thread-safe: confined to its connection's event loop.
 */
final class DeliveryLedger {

    static final int MAX_TRACKED = 4096;

    private final int topic;
    private final Set<Long> missing = new HashSet<>();
    private long next;
    private long distinct;
    private long duplicates;
    private long outOfOrder;
    private long untracked;
    private long foreign;

    DeliveryLedger(int topic) {
        this.topic = topic;
    }

    /** The topic index this client subscribed to. */
    int topic() {
        return topic;
    }

    /** Records one received publication. */
    void record(int topicOfMessage, long seq) {
        if (topicOfMessage != topic || seq < 0) {
            foreign++;
            return;
        }
        if (seq == next) {
            next++;
            distinct++;
        } else if (seq > next) {
            long gap = seq - next;
            long room = Math.min(gap, MAX_TRACKED - missing.size());
            for (long s = next; s < next + room; s++) {
                missing.add(s);
            }
            untracked += gap - room;
            next = seq + 1;
            distinct++;
        } else if (missing.remove(seq)) {
            distinct++;
            outOfOrder++;
        } else {
            duplicates++;
        }
    }

    /** Adds this ledger's counts to {@code totals}, with losses against {@code published} for its topic. */
    void addTo(Totals totals, long published) {
        totals.distinct += distinct;
        totals.duplicates += duplicates;
        totals.outOfOrder += outOfOrder;
        totals.foreign += foreign;
        totals.untracked += untracked;
        long lost = published - distinct;
        if (lost > 0) {
            totals.lost += lost;
            totals.clientsWithLoss++;
        } else if (lost < 0) {
            // More distinct numbers than were published on the topic: something foreign came in.
            totals.foreign -= lost;
        }
    }

    /** Sums of many ledgers; not thread-safe (filled on one loop, then handed over through a future). */
    static final class Totals {
        long distinct;
        long duplicates;
        long outOfOrder;
        long lost;
        long clientsWithLoss;
        long foreign;
        long untracked;

        void add(Totals other) {
            distinct += other.distinct;
            duplicates += other.duplicates;
            outOfOrder += other.outOfOrder;
            lost += other.lost;
            clientsWithLoss += other.clientsWithLoss;
            foreign += other.foreign;
            untracked += other.untracked;
        }

        /** Whether every client got every publication once, in order. */
        boolean clean() {
            return duplicates == 0 && outOfOrder == 0 && lost == 0 && foreign == 0;
        }

        @Override
        public String toString() {
            return "distinct=" + distinct + " lost=" + lost + " (clients with loss " + clientsWithLoss + ") duplicates="
                    + duplicates + " outOfOrder=" + outOfOrder + " foreign=" + foreign;
        }
    }
}
