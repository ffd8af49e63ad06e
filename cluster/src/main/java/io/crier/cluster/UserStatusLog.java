package io.crier.cluster;

import io.crier.protocol.UserStatusEvent;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Which users are online across the whole fleet, told as a log of {@code online}/{@code offline}
 * {@link UserStatusEvent}s, debounced and built on leases rather than on disconnect callbacks.
 *
 * <ul>
 *   <li>Each node {@link #open}s a lease for every live session of an authenticated user, {@link #renew}s them all
 *       every heartbeat (a renewal re-adds a lease the store lost) and {@link #end}s a session's lease when it
 *       ends. A lease not renewed within the store's lease time (its node died) lapses.</li>
 *   <li>A user's first lease in the fleet appends {@code online}, unless an {@code offline} is pending for them:
 *       then that pending offline is cancelled and nothing is appended (a reconnect within the grace).</li>
 *   <li>Losing a user's last lease (closed or lapsed) makes the offline pending for the grace;
 *       {@link #sweep} appends it once the grace has passed and the user still has no lease.</li>
 *   <li>So a user with sessions on two nodes goes offline only after both end, and a node killed without a
 *       word has its users offline within lease + grace + one sweep interval.</li>
 * </ul>
 * Delivery is at least once (a consumer drops a {@code (user, seq)} it has seen), in order per user.
 *
 * <p>Implementations are thread-safe; stages complete on the store's threads.
 */
public interface UserStatusLog extends AutoCloseable {

    /** The most entries one {@link #read} returns. */
    int MAX_READ = 1000;

    /** Starts (or renews) the lease of {@code session}; appends {@code online} when it is its user's first. */
    CompletionStage<Void> open(UserSession session);

    /** Ends the lease of {@code session}; when it was its user's last, their offline is pending for the grace. */
    CompletionStage<Void> end(UserSession session);

    /** Renews the lease of every session of {@code sessions} (one call per node heartbeat), re-adding lost ones. */
    CompletionStage<Void> renew(List<UserSession> sessions);

    /**
     * Lapses the leases that were not renewed, appends the offlines whose grace has passed, and publishes what
     * was appended to the log. Any node may call it at any time; a store shared by a fleet lets one node at a time
     * do the work and the others' calls do nothing.
     *
     * @return the number of entries this call added to the log
     */
    CompletionStage<Integer> sweep();

    /** The entries of the log after entry {@code afterId} ({@code "0"} for the oldest), at most {@code limit}. */
    CompletionStage<List<UserStatusEvent>> read(String afterId, int limit);

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
