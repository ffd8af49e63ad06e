package io.crier.gateway.drain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * When each of {@code sessions} sessions is disconnected during a drain of length {@code window}: the window
 * is cut into {@code slots} equal slots (at most one per {@link #SLOT} and at most one per session), and the
 * sessions are spread over them evenly, so that no batch holds more than {@code ceil(sessions / slots)}
 * sessions and the last batch starts before the window ends. A window of zero is one batch, at once.
 *
 * <p>Immutable; thread-safe.
 */
public final class DrainPlan {

    /** The finest pacing step: batches are at least this far apart. */
    public static final Duration SLOT = Duration.ofMillis(100);

    /**
     * One batch: the sessions with index {@code from} (inclusive) to {@code to} (exclusive) of the drained
     * snapshot are disconnected {@code at} after the drain starts.
     */
    public record Batch(Duration at, int from, int to) {

        /** How many sessions this batch disconnects. */
        public int size() {
            return to - from;
        }
    }

    private final List<Batch> batches;
    private final int slots;

    private DrainPlan(int sessions, Duration window) {
        this.slots = slots(sessions, window);
        List<Batch> planned = new ArrayList<>(slots);
        for (int slot = 0; slot < slots; slot++) {
            int from = firstIndexOf(slot, sessions, slots);
            int to = firstIndexOf(slot + 1, sessions, slots);
            if (to > from) {
                planned.add(new Batch(window.multipliedBy(slot).dividedBy(slots), from, to));
            }
        }
        this.batches = List.copyOf(planned);
    }

    /**
     * The plan for {@code sessions} sessions over {@code window}.
     *
     * @throws IllegalArgumentException when {@code sessions} or {@code window} is negative
     */
    public static DrainPlan of(int sessions, Duration window) {
        Objects.requireNonNull(window, "window");
        if (sessions < 0 || window.isNegative()) {
            throw new IllegalArgumentException("sessions and window must not be negative: " + sessions + ", " + window);
        }
        return new DrainPlan(sessions, window);
    }

    /** The batches, in time order; empty when there is no session. */
    public List<Batch> batches() {
        return batches;
    }

    /** How many equal slots the window is cut into (0 when there is no session). */
    public int slots() {
        return slots;
    }

    private static int slots(int sessions, Duration window) {
        if (sessions == 0) {
            return 0;
        }
        long bySlot = Math.max(1, window.toNanos() / SLOT.toNanos());
        return (int) Math.min(sessions, bySlot);
    }

    /** The first session index that falls into {@code slot}: session i goes to slot floor(i * slots / n). */
    private static int firstIndexOf(int slot, int sessions, int slots) {
        return (int) ((slot * (long) sessions + slots - 1) / slots);
    }
}
