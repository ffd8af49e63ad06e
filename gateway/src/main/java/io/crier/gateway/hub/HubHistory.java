package io.crier.gateway.hub;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistoryStore;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.gateway.config.RecoveryConfig;
import java.util.Objects;

/**
 * What the {@link Hub} needs to serve topics with history: the store, which namespaces keep history (and allow
 * the {@code history} command), the recovery bound, and the {@link SessionEvictor} that closes sessions whose
 * gap cannot be repaired. Immutable and thread-safe.
 *
 * @param store      reads and appends history; null when no topic keeps history
 * @param namespaces per-namespace history options
 * @param recovery   {@code maxPublications}: the most publications replayed to one session or fetched by one
 *                   repair, and the most held for one recovering session or repairing topic
 * @param evictor    closes sessions with {@code insufficient_state}
 */
public record HubHistory(HistoryStore store, NamespacesConfig namespaces, RecoveryConfig recovery,
                         SessionEvictor evictor) {

    public HubHistory {
        Objects.requireNonNull(namespaces, "namespaces");
        Objects.requireNonNull(recovery, "recovery");
        Objects.requireNonNull(evictor, "evictor");
    }

    /** The history bounds of {@code topic}, or {@code null} when it keeps none (or no store is wired). */
    HistoryOptions optionsFor(String topic) {
        return store == null ? null : namespaces.optionsFor(topic).historyOptions().orElse(null);
    }

    /** Whether clients may read {@code topic}'s history with the {@code history} command. */
    boolean commandAllowed(String topic) {
        return namespaces.optionsFor(topic).historyCommand();
    }

    int maxPublications() {
        return recovery.maxPublications();
    }
}
