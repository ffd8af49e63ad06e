package io.crier.protocol;

import java.util.Objects;

/**
 * A position in a topic's history: the {@code offset} of a publication (0 before the first) and the topic's
 * {@code epoch}, a string that changes whenever the topic's history is lost. Two positions are comparable
 * only within one epoch. On the wire it is {@code "offset":7,"epoch":"abc"}, inside {@code since} or on an
 * envelope; the epoch rules ({@value #MAX_EPOCH_LENGTH} characters at most, from {@code A-Z a-z 0-9 _ - .})
 * mean it never needs escaping.
 *
 * <p>Immutable and thread-safe.
 *
 * @param offset the offset of a publication, at least 0
 * @param epoch  1 to {@value #MAX_EPOCH_LENGTH} characters from {@code A-Z a-z 0-9 _ - .}
 */
public record Position(long offset, String epoch) {

    /** The longest epoch, in characters. */
    public static final int MAX_EPOCH_LENGTH = 64;

    public Position {
        Objects.requireNonNull(epoch, "epoch");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, got " + offset);
        }
        if (!isValidEpoch(epoch)) {
            throw new IllegalArgumentException("epoch must be 1 to " + MAX_EPOCH_LENGTH
                    + " characters from A-Z a-z 0-9 _ - .");
        }
    }

    /** Whether {@code epoch} follows the epoch rules. */
    public static boolean isValidEpoch(String epoch) {
        if (epoch == null || epoch.isEmpty() || epoch.length() > MAX_EPOCH_LENGTH) {
            return false;
        }
        for (int i = 0; i < epoch.length(); i++) {
            char c = epoch.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
