package io.crier.cluster.memory;

import io.crier.cluster.Revocation;
import io.crier.cluster.RevocationSet;
import io.crier.cluster.RevocationStore;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link RevocationStore} of a node alone: the revocations in this process's memory, lost when it stops
 * (a restarted single node forgets them; tokens it had revoked are refused again only by their {@code exp}).
 *
 * <p>Thread-safe: every operation is synchronized and completes at once.
 */
public final class InMemoryRevocationStore implements RevocationStore {

    private RevocationSet kept = RevocationSet.EMPTY;

    @Override
    public synchronized CompletionStage<Void> apply(Revocation revocation, Instant now) {
        if (revocation instanceof Revocation.Unblock || revocation.until().isAfter(now)) {
            kept = kept.without(now).with(revocation);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<RevocationSet> load(Instant now) {
        kept = kept.without(now);
        return CompletableFuture.completedFuture(kept);
    }

    @Override
    public void close() {
        // Nothing to release: the revocations are plain memory.
    }
}
