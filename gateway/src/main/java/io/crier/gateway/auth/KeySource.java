package io.crier.gateway.auth;

/**
 * Where the verifier gets its keys: a fixed {@link KeySet}, or a {@link JwksKeySource} that refreshes
 * them. Implementations are thread-safe and never block in {@link #current()} or {@link #unknownKid}.
 */
interface KeySource extends AutoCloseable {

    /** The keys in force right now. */
    KeySet current();

    /**
     * A token named a {@code kid} that {@link #current()} lacks: a source that can refresh may do so in the
     * background (rate-limited). Never blocks: the token that asked is judged with the keys of now.
     */
    default void unknownKid(String kid) {
    }

    /** Stops any background work; a fixed set has none. */
    @Override
    default void close() {
    }
}
