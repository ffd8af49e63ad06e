package io.crier.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A JSON Web Key Set (RFC 7517 §5), as {@link JwksCodec} reads it: the entries of its {@code keys} array
 * that are keys, in document order, and how many are not (an entry that is not an object, or an object with
 * a member of {@link Jwk#MEMBERS} that is not a string), so that the reader can count them and one odd
 * entry never hides the others.
 *
 * <p>Immutable; thread-safe.
 *
 * @param keys       the entries read as keys, in document order
 * @param unreadable how many entries could not be read as a key
 */
public record JwkSet(List<Jwk> keys, int unreadable) {

    /**
     * @throws IllegalArgumentException when {@code unreadable} is negative
     */
    public JwkSet {
        keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
        if (unreadable < 0) {
            throw new IllegalArgumentException("unreadable must not be negative");
        }
    }

    /** How many entries the {@code keys} array holds, read or not. */
    public int entries() {
        return keys.size() + unreadable;
    }
}
