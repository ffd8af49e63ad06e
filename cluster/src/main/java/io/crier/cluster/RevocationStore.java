package io.crier.cluster;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * Where the fleet keeps its revocations (revoked tokens, users' invalidated older tokens, blocked users), each
 * until its {@link Revocation#until()}, so that a node can load all of them: at start, after a missed control
 * message, and periodically. Writes are idempotent: revoking twice, or invalidating with an earlier
 * {@code issuedBefore} than one already kept, changes nothing (the later time wins); a block is replaced by the
 * newest one; an unblock removes the block.
 *
 * <p>Implementations are thread-safe; stages complete on the store's threads.
 */
public interface RevocationStore extends AutoCloseable {

    /**
     * Keeps {@code revocation} (an {@link Revocation.Unblock} removes a block). A revocation whose {@code until}
     * is not after {@code now} is already over and is not kept. Fails with {@link BrokerUnavailableException}
     * when the store cannot be reached.
     */
    CompletionStage<Void> apply(Revocation revocation, Instant now);

    /** Every revocation still in force at {@code now}. */
    CompletionStage<RevocationSet> load(Instant now);

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
