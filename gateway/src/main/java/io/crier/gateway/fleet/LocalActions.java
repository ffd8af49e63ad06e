package io.crier.gateway.fleet;

import io.crier.cluster.Revocation;
import io.crier.cluster.RevocationSet.Verdict;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.CloseCode;
import io.crier.protocol.FleetAction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Applies a server API action to this node's live sessions, and says how many it reached: {@code disconnect}
 * closes the user's sessions with the action's code, {@code subscribe}/{@code unsubscribe} go through
 * {@link ServerSubscriptions}, and a revocation is added to the {@link RevocationCache} before the sessions it
 * hits are closed (4503 {@code revoked}, 4504 {@code blocked}): a user's sessions for {@code invalidate} and
 * {@code block}, every session of the node for {@code revoke} (a token id names no user). Sessions reached are
 * counted in {@link MeterCatalog#FLEET_SESSIONS_REACHED}. Applying an action twice reaches nothing the second
 * time: every action is idempotent.
 *
 * <p>Thread-safe; never blocks (closes and subscriptions are handed to each session's thread).
 */
public final class LocalActions {

    private final Function<String, List<LiveSession>> sessionsOfUser;
    private final Supplier<List<LiveSession>> allSessions;
    private final ServerSubscriptions subscriptions;
    private final RevocationCache revocations;
    private final Duration maxTokenLifetime;
    private final Clock clock;
    private final Map<String, Counter> reached = new HashMap<>();

    /**
     * @param sessionsOfUser   the live sessions of a user on this node
     * @param allSessions      every live session of this node bound to a user
     * @param maxTokenLifetime how long an invalidation of a user's older tokens is kept ({@code fleet.maxTokenLifetime})
     */
    public LocalActions(Function<String, List<LiveSession>> sessionsOfUser, Supplier<List<LiveSession>> allSessions,
                        ServerSubscriptions subscriptions, RevocationCache revocations, Duration maxTokenLifetime,
                        Clock clock, MeterRegistry meters) {
        this.sessionsOfUser = Objects.requireNonNull(sessionsOfUser, "sessionsOfUser");
        this.allSessions = Objects.requireNonNull(allSessions, "allSessions");
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.maxTokenLifetime = Objects.requireNonNull(maxTokenLifetime, "maxTokenLifetime");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (String action : io.crier.protocol.FleetApiCodec.ACTIONS) {
            reached.put(action, MeterCatalog.FLEET_SESSIONS_REACHED.counter(meters, "action", action));
        }
    }

    /**
     * The revocation {@code action} leaves, or {@code null} for an action that leaves none. An invalidation is
     * kept {@code fleet.maxTokenLifetime} after its {@code issuedBefore} (which must be resolved).
     */
    public Revocation revocationOf(FleetAction action) {
        if (action instanceof FleetAction.Revoke revoke) {
            return new Revocation.Token(revoke.tokenId(), revoke.expiresAt());
        }
        if (action instanceof FleetAction.Invalidate invalidate) {
            return new Revocation.OlderTokens(invalidate.user(), invalidate.issuedBefore(),
                    invalidate.issuedBefore().plus(maxTokenLifetime));
        }
        if (action instanceof FleetAction.Block block) {
            return new Revocation.Block(block.user(), block.until());
        }
        if (action instanceof FleetAction.Unblock unblock) {
            return new Revocation.Unblock(unblock.user(), clock.instant());
        }
        return null;
    }

    /** Applies {@code action} (taken by any node) to this node; returns the number of sessions reached. */
    public long apply(FleetAction action) {
        long count = reach(action);
        Counter counter = reached.get(action.name());
        if (counter != null && count > 0) {
            counter.increment(count);
        }
        return count;
    }

    private long reach(FleetAction action) {
        if (action instanceof FleetAction.Disconnect disconnect) {
            return sessionsOfUser.apply(disconnect.user()).stream()
                    .filter(session -> session.disconnect(disconnect.close())).count();
        }
        if (action instanceof FleetAction.Subscribe subscribe) {
            return sessionsOfUser.apply(subscribe.user()).stream()
                    .filter(session -> subscriptions.subscribe(session, subscribe.topic())).count();
        }
        if (action instanceof FleetAction.Unsubscribe unsubscribe) {
            return sessionsOfUser.apply(unsubscribe.user()).stream()
                    .filter(session -> subscriptions.unsubscribe(session, unsubscribe.topic())).count();
        }
        Revocation revocation = revocationOf(action);
        if (revocation == null) {
            return 0;
        }
        revocations.apply(revocation);
        if (revocation instanceof Revocation.Token) {
            return closeHit(allSessions.get());
        }
        if (revocation instanceof Revocation.OlderTokens older) {
            return closeHit(sessionsOfUser.apply(older.user()));
        }
        if (revocation instanceof Revocation.Block block) {
            return closeHit(sessionsOfUser.apply(block.user()));
        }
        return 0;
    }

    /** Closes every live session of this node that the revocations now hit (after a reload found new ones). */
    public long closeAllHit() {
        return closeHit(allSessions.get());
    }

    private long closeHit(List<LiveSession> sessions) {
        long closed = 0;
        for (LiveSession session : sessions) {
            Verdict verdict = revocations.check(session.user());
            CloseCode code = verdict == Verdict.BLOCKED ? CloseCode.BLOCKED : CloseCode.REVOKED;
            if (verdict != Verdict.NONE && session.disconnect(code.close())) {
                closed++;
            }
        }
        return closed;
    }
}
