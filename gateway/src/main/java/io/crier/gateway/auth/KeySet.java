package io.crier.gateway.auth;

import com.auth0.jwt.algorithms.Algorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The keys in force at one moment, and the choice of which of them may have signed a token. A token with a
 * {@code kid} is checked against the keys with that kid; when no key has it, against the keys that have no
 * kid at all (HMAC secrets). A token without a kid is checked against every key. In every case only keys
 * whose type allows the token's {@code alg} are candidates (see {@link VerificationKey}).
 *
 * <p>Immutable and thread-safe; a refresh builds a new set.
 */
final class KeySet implements KeySource {

    static final KeySet EMPTY = new KeySet(List.of());

    private final List<VerificationKey> keys;

    KeySet(List<VerificationKey> keys) {
        this.keys = List.copyOf(keys);
    }

    /** This set followed by {@code more}. */
    KeySet with(KeySet more) {
        List<VerificationKey> all = new ArrayList<>(keys);
        all.addAll(more.keys);
        return new KeySet(all);
    }

    @Override
    public KeySet current() {
        return this;
    }

    /** Whether some key has this kid. */
    boolean hasKid(String kid) {
        for (VerificationKey key : keys) {
            if (Objects.equals(kid, key.kid())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The verifiers that may have signed a token with this header, in key order; empty when none.
     *
     * @param alg the token's {@code alg} header
     * @param kid the token's {@code kid} header, or {@code null}
     */
    List<Algorithm> candidates(String alg, String kid) {
        boolean known = kid != null && hasKid(kid);
        List<Algorithm> candidates = new ArrayList<>(2);
        for (VerificationKey key : keys) {
            boolean eligible = kid == null || (known ? kid.equals(key.kid()) : key.kid() == null);
            Algorithm algorithm = eligible ? key.algorithm(alg) : null;
            if (algorithm != null) {
                candidates.add(algorithm);
            }
        }
        return candidates;
    }

    /** The keys, in order. */
    List<VerificationKey> keys() {
        return keys;
    }

    int size() {
        return keys.size();
    }

    @Override
    public String toString() {
        return "KeySet" + keys;
    }
}
