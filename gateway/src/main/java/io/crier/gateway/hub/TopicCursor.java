package io.crier.gateway.hub;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Where one topic with history stands on this node, and the state of its gap repair: the position of the last
 * publication delivered to the topic's live sessions, which decides what a new publication is
 * ({@link #place}). This is where the hub's exactly-once, in-order delivery is decided; {@link GapRepair} carries
 * out the decisions (reads, deliveries, evictions).
 *
 * <p>States ({@link State}):
 * <ul>
 *   <li><b>unknown</b>: nothing delivered or read yet, or forgotten; the next publication, wherever it stands,
 *       or the first recovery read of a session starts the cursor;</li>
 *   <li><b>live</b>: a publication must follow the cursor by exactly one offset in its epoch; an older one is a
 *       duplicate; a newer one, or one of another epoch, is a gap, unless it starts a new epoch at offset 1 while
 *       the broker link stayed up since the cursor last moved (the history expired on a quiet topic: nothing was
 *       missed);</li>
 *   <li><b>repairing</b>: a gap was seen or the broker link came back; live publications are held while what
 *       follows the cursor is read from history. At most one read is in flight; without one the repair waits
 *       for the link or for a retry.</li>
 * </ul>
 *
 * <p>Transitions, and the states each is legal from (any other throws {@link IllegalStateException}):
 * <pre>
 *   deliver        unknown, live             → live        a publication that follows (or starts) the cursor
 *   startAt        unknown                   → live        a session's first history read saw this position
 *   startRepair    live                      → repairing   a gap; starts a read
 *   hold           repairing                 → repairing   a live publication waits for the repair
 *   linkRestored   live, repairing           → repairing   starts a read, or one more after the one in flight
 *   readAnswered   any                       → (same)      whether an answer is the awaited one (stale ones are not)
 *   fill           repairing, no read flying → repairing   a publication the read brought
 *   readFailed     repairing, no read flying → repairing   counts a failed read (the link is up)
 *   retryRead      repairing, no read flying → repairing   starts the read again
 *   finishRepair   repairing, no read flying → live        hands back the held publications
 *   abandonRepair  repairing                 → unknown     the gap cannot be filled; hands back the held ones
 *   forget         live, repairing           → unknown     nobody is left to repair for
 * </pre>
 *
 * <p>Not thread-safe: guarded by the {@link TopicEntry}'s monitor.
 */
final class TopicCursor {

    /** The cursor's state; see the class comment. */
    enum State { UNKNOWN, LIVE, REPAIRING }

    /** What a publication is, relative to the cursor ({@link #place}). */
    enum Place {
        /** It follows the cursor (or starts it): deliver it. */
        NEXT,
        /** Already delivered: drop it. */
        STALE,
        /** Publications are missing before it: repair (or, with nobody to repair for, deliver it). */
        GAP,
        /** A repair is under way: hold it. */
        HOLD
    }

    /** A repair read: its id, and the offset after which it reads (the cursor's when it started). */
    record RepairRead(long id, long after) {
    }

    /** What {@link #finishRepair} hands back: the held publications, and whether to read once more after them. */
    record Repaired(List<Positioned> held, boolean readAgain) {
    }

    private State state = State.UNKNOWN;
    /** The epoch of {@link #offset}; null while unknown. */
    private String epoch;
    private long offset;
    /** The hub's count of broker outages when the cursor last moved, to tell whether the link stayed up since. */
    private long outages;
    /** The id of the repair read in flight; 0 when none is. */
    private long inFlight;
    /** The last read id given out; ids are never reused, so an answer to a forgotten read is told apart. */
    private long readIds;
    /** Whether the link came back while a read was in flight: that read may predate the outage's end. */
    private boolean readAgain;
    /** Consecutive repair reads that failed while the broker link was up. */
    private int failedReads;
    /** Live publications held while repairing, in arrival order. */
    private final Deque<Positioned> held = new ArrayDeque<>();

    State state() {
        return state;
    }

    /** The epoch of the last delivered publication; null while unknown. */
    String epoch() {
        return epoch;
    }

    /** The offset of the last delivered publication; 0 while unknown. */
    long offset() {
        return offset;
    }

    /** Whether a repair waits for the link or a retry: repairing with no read in flight. */
    boolean stalled() {
        return state == State.REPAIRING && inFlight == 0;
    }

    /** How many live publications the repair holds. */
    int heldCount() {
        return held.size();
    }

    /**
     * What {@code publication} is relative to the cursor, given the hub's count of broker outages now. Changes
     * nothing. Legal in every state.
     */
    Place place(Positioned publication, long outagesNow) {
        if (state == State.REPAIRING) {
            return Place.HOLD;
        }
        if (state == State.UNKNOWN) {
            return Place.NEXT;
        }
        if (!publication.epoch().equals(epoch)) {
            // A new epoch at offset 1 with the link up since: the history expired on a quiet topic. Otherwise the
            // history was lost, or the store forked the topic (a Redis failover or restart): a read tells which.
            boolean linkStayedUp = outages == outagesNow;
            return publication.offset() == 1 && linkStayedUp ? Place.NEXT : Place.GAP;
        }
        if (publication.offset() <= offset) {
            return Place.STALE;
        }
        return publication.offset() == offset + 1 ? Place.NEXT : Place.GAP;
    }

    /** Moves the cursor to a publication being delivered. From unknown or live, to live. */
    void deliver(Positioned publication, long outagesNow) {
        require(state != State.REPAIRING, "deliver");
        moveTo(publication.offset(), publication.epoch(), outagesNow);
        state = State.LIVE;
    }

    /** Starts the cursor at the position a session's history read saw. From unknown, to live. */
    void startAt(long startOffset, String startEpoch, long outagesNow) {
        require(state == State.UNKNOWN, "startAt");
        moveTo(startOffset, startEpoch, outagesNow);
        state = State.LIVE;
    }

    /** Whether the cursor is at or past {@code atOffset} in {@code atEpoch}. From live or repairing. */
    boolean hasReached(String atEpoch, long atOffset) {
        require(state != State.UNKNOWN, "hasReached");
        return epoch.equals(atEpoch) && offset >= atOffset;
    }

    /** A gap: starts repairing and returns the read to make. From live, to repairing. */
    RepairRead startRepair() {
        require(state == State.LIVE, "startRepair");
        state = State.REPAIRING;
        return newRead();
    }

    /** Holds a live publication until the repair ends. From repairing. */
    void hold(Positioned publication) {
        require(state == State.REPAIRING, "hold");
        held.addLast(publication);
    }

    /**
     * The broker link is back, so publications may have been lost: returns the read to make, or null when a read
     * is in flight (it may predate the outage's end: one more read follows it). Resets the count of failed reads.
     * From live or repairing, to repairing.
     */
    RepairRead linkRestored() {
        require(state != State.UNKNOWN, "linkRestored");
        failedReads = 0;
        if (state == State.REPAIRING && inFlight != 0) {
            readAgain = true;
            return null;
        }
        state = State.REPAIRING;
        return newRead();
    }

    /**
     * Whether {@code read}'s answer is the one awaited; if so, no read is in flight any more. An answer to a read
     * that was superseded (the cursor forgot it, or a newer read is awaited) is not. Legal in every state.
     */
    boolean readAnswered(RepairRead read) {
        if (inFlight == 0 || read.id() != inFlight) {
            return false;
        }
        inFlight = 0;
        return true;
    }

    /** Moves the cursor to a publication the answered read brought. From repairing with no read in flight. */
    void fill(Positioned publication, long outagesNow) {
        requireStalled("fill");
        moveTo(publication.offset(), publication.epoch(), outagesNow);
    }

    /**
     * Counts a repair read that failed while the broker link was up and returns how many failed in a row. From
     * repairing with no read in flight.
     */
    int readFailed() {
        requireStalled("readFailed");
        return ++failedReads;
    }

    /** Starts the read again after a failure. From repairing with no read in flight. */
    RepairRead retryRead() {
        requireStalled("retryRead");
        return newRead();
    }

    /**
     * The gap is filled: back to live, handing back the held publications (to replay through {@link #place}) and
     * whether the link came back during the read (then read once more). From repairing with no read in flight.
     */
    Repaired finishRepair() {
        requireStalled("finishRepair");
        Repaired repaired = new Repaired(List.copyOf(held), readAgain);
        held.clear();
        readAgain = false;
        failedReads = 0;
        state = State.LIVE;
        return repaired;
    }

    /**
     * The gap cannot be filled (the sessions are evicted): back to unknown, handing back the held publications,
     * from which the cursor starts again. A read in flight is then ignored. From repairing.
     */
    List<Positioned> abandonRepair() {
        require(state == State.REPAIRING, "abandonRepair");
        List<Positioned> kept = List.copyOf(held);
        reset();
        return kept;
    }

    /** Back to unknown, dropping any repair (a read in flight is then ignored). From live or repairing. */
    void forget() {
        require(state != State.UNKNOWN, "forget");
        reset();
    }

    private void reset() {
        state = State.UNKNOWN;
        epoch = null;
        offset = 0;
        inFlight = 0;
        readAgain = false;
        failedReads = 0;
        held.clear();
    }

    private void moveTo(long toOffset, String toEpoch, long outagesNow) {
        offset = toOffset;
        epoch = toEpoch;
        outages = outagesNow;
    }

    private RepairRead newRead() {
        inFlight = ++readIds;
        return new RepairRead(inFlight, offset);
    }

    private void requireStalled(String transition) {
        if (!stalled()) {
            throw new IllegalStateException(transition + " needs a repair with no read in flight; the cursor is "
                    + state + (inFlight != 0 ? " with read " + inFlight + " in flight" : ""));
        }
    }

    private void require(boolean legal, String transition) {
        if (!legal) {
            throw new IllegalStateException(transition + " is illegal while the cursor is " + state);
        }
    }
}
