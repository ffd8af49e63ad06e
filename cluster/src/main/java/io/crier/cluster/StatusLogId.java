package io.crier.cluster;

/**
 * The id of a {@link UserStatusLog} entry, in Redis Stream form {@code <ms>-<n>} ({@code "0"} before the first),
 * ordered by {@code ms} then {@code n}. Immutable.
 */
public record StatusLogId(long millis, long sequence) implements Comparable<StatusLogId> {

    /** Before every entry. */
    public static final StatusLogId START = new StatusLogId(0, 0);

    public StatusLogId {
        if (millis < 0 || sequence < 0) {
            throw new IllegalArgumentException("a log id is two non-negative numbers");
        }
    }

    /**
     * Reads {@code <ms>-<n>} or {@code <ms>}.
     *
     * @throws IllegalArgumentException when {@code text} is neither
     */
    public static StatusLogId parse(String text) {
        int dash = text.indexOf('-');
        try {
            return dash < 0 ? new StatusLogId(Long.parseLong(text), 0)
                    : new StatusLogId(Long.parseLong(text.substring(0, dash)), Long.parseLong(text.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a log id is <ms>-<n>", e);
        }
    }

    /** The smallest id after this one at {@code nowMillis}: Redis' rule for a new entry's id. */
    public StatusLogId next(long nowMillis) {
        return nowMillis > millis ? new StatusLogId(nowMillis, 0) : new StatusLogId(millis, sequence + 1);
    }

    @Override
    public int compareTo(StatusLogId other) {
        int byMillis = Long.compare(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compare(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return millis + "-" + sequence;
    }
}
