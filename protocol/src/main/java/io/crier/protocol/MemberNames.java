package io.crier.protocol;

import java.util.HashSet;
import java.util.Set;

/**
 * The member names read so far in a command's top-level object, to refuse one that comes twice: the names a
 * command has are bits, and a set is made only for the first other name, so a well-formed command costs no set
 * (Jackson's own detection makes one at the third name of every object).
 *
 * <p>Not thread-safe: one per decoded frame.
 */
final class MemberNames {

    private int known;
    private Set<String> others;

    /** Adds {@code name}; returns false when it was already there. */
    boolean add(String name) {
        int bit = bit(name);
        if (bit == 0) {
            if (others == null) {
                others = new HashSet<>();
            }
            return others.add(name);
        }
        if ((known & bit) != 0) {
            return false;
        }
        known |= bit;
        return true;
    }

    /** The bit of one of the names {@link CommandDecoder} reads, or 0 for another name. */
    private static int bit(String name) {
        return switch (name) {
            case "type" -> 1;
            case "id" -> 1 << 1;
            case "token" -> 1 << 2;
            case "topic" -> 1 << 3;
            case "method" -> 1 << 4;
            case "data" -> 1 << 5;
            case "since" -> 1 << 6;
            case "limit" -> 1 << 7;
            case "countOnly" -> 1 << 8;
            default -> 0;
        };
    }
}
