package io.crier.cluster.memory;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.StatusLogId;
import io.crier.cluster.UserSession;
import io.crier.protocol.UserStatusEvent;
import io.crier.protocol.UserStatusEvent.Type;
import io.crier.cluster.UserStatusLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link UserStatusLog} of one node alone (the embedded default) and the unit-test stand-in: leases, pending
 * offlines and the log live in this JVM, under the same rules as in Redis, measured by the injected
 * {@link Clock}, so tests move time by hand. The log keeps the last {@code maxLen} entries (older ones are
 * dropped); entries are appended at once ({@code online}) or by {@link #sweep} ({@code offline}). The sequence
 * numbers come from one counter, so they increase per user and across users.
 *
 * <p>Thread-safe (one lock); every stage is already complete when returned.
 */
public final class InMemoryUserStatusLog implements UserStatusLog {

    private final Duration lease;
    private final Duration grace;
    private final int maxLen;
    private final Clock clock;
    private final Map<String, Held> leases = new HashMap<>();
    private final Map<String, UserState> users = new HashMap<>();
    private final Deque<UserStatusEvent> log = new ArrayDeque<>();
    private StatusLogId lastId = StatusLogId.START;
    private long seq;
    private int appendedSinceSweep;
    private boolean closed;

    /**
     * @param lease  how long a session's lease lives without a renewal, above zero
     * @param grace  how long an offline stays pending, not negative
     * @param maxLen the most entries the log keeps, at least 1
     */
    public InMemoryUserStatusLog(Duration lease, Duration grace, int maxLen, Clock clock) {
        this.lease = Objects.requireNonNull(lease, "lease");
        this.grace = Objects.requireNonNull(grace, "grace");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (lease.isNegative() || lease.isZero() || grace.isNegative() || maxLen < 1) {
            throw new IllegalArgumentException("lease must be above zero, grace not negative, maxLen at least 1");
        }
        this.maxLen = maxLen;
    }

    @Override
    public synchronized CompletionStage<Void> open(UserSession session) {
        Objects.requireNonNull(session, "session");
        if (closed) {
            return unavailable();
        }
        lease(session, clock.instant());
        return done(null);
    }

    @Override
    public synchronized CompletionStage<Void> end(UserSession session) {
        Objects.requireNonNull(session, "session");
        if (closed) {
            return unavailable();
        }
        Held held = leases.remove(session.sessionId());
        if (held != null) {
            release(held.session(), clock.instant());
        }
        return done(null);
    }

    @Override
    public synchronized CompletionStage<Void> renew(List<UserSession> sessions) {
        Objects.requireNonNull(sessions, "sessions");
        if (closed) {
            return unavailable();
        }
        Instant now = clock.instant();
        sessions.forEach(session -> lease(session, now));
        return done(null);
    }

    @Override
    public synchronized CompletionStage<Integer> sweep() {
        if (closed) {
            return unavailable();
        }
        Instant now = clock.instant();
        List<Held> lapsed = leases.values().stream().filter(held -> !held.end().isAfter(now)).toList();
        for (Held held : lapsed) {
            leases.remove(held.session().sessionId());
            release(held.session(), now);
        }
        List<String> due = users.entrySet().stream()
                .filter(user -> user.getValue().offlineAt() != null && !user.getValue().offlineAt().isAfter(now))
                .map(Map.Entry::getKey).toList();
        for (String user : due) {
            UserState state = users.remove(user);
            append(user, Type.OFFLINE, state.lastNode(), now);
        }
        int appended = appendedSinceSweep;
        appendedSinceSweep = 0;
        return done(appended);
    }

    @Override
    public synchronized CompletionStage<List<UserStatusEvent>> read(String afterId, int limit) {
        StatusLogId after = StatusLogId.parse(afterId);
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        if (closed) {
            return unavailable();
        }
        List<UserStatusEvent> found = new ArrayList<>();
        for (UserStatusEvent event : log) {
            if (found.size() >= Math.min(limit, MAX_READ)) {
                break;
            }
            if (StatusLogId.parse(event.id()).compareTo(after) > 0) {
                found.add(event);
            }
        }
        return done(List.copyOf(found));
    }

    @Override
    public synchronized void close() {
        closed = true;
        leases.clear();
        users.clear();
        log.clear();
    }

    /**
     * Starts or renews {@code session}'s lease; its user goes online, or their pending offline is cancelled. A lease
     * of the same session id held by another user or node (a node restarted under the same id) ends first.
     */
    private void lease(UserSession session, Instant now) {
        Held previous = leases.put(session.sessionId(), new Held(session, now.plus(lease)));
        if (previous != null && previous.session().equals(session)) {
            return;
        }
        if (previous != null) {
            release(previous.session(), now);
        }
        UserState state = users.get(session.user());
        if (state == null) {
            users.put(session.user(), new UserState(1, null, session.node()));
            append(session.user(), Type.ONLINE, session.node(), now);
        } else {
            users.put(session.user(), new UserState(state.live() + 1, null, session.node()));
        }
    }

    /** A lease of {@code session} ended: when it was its user's last, their offline is pending. */
    private void release(UserSession session, Instant now) {
        UserState state = users.get(session.user());
        if (state == null) {
            return;
        }
        int live = state.live() - 1;
        users.put(session.user(), live > 0 ? new UserState(live, null, state.lastNode())
                : new UserState(0, now.plus(grace), session.node()));
    }

    private void append(String user, Type type, String node, Instant now) {
        lastId = lastId.next(now.toEpochMilli());
        log.addLast(new UserStatusEvent(lastId.toString(), user, type, ++seq, now.toEpochMilli(), node));
        while (log.size() > maxLen) {
            log.removeFirst();
        }
        appendedSinceSweep++;
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    private static <T> CompletionStage<T> unavailable() {
        return CompletableFuture.failedFuture(new BrokerUnavailableException("the user status log is closed"));
    }

    /** One session's lease and when it ends. */
    private record Held(UserSession session, Instant end) {
    }

    /** A user's live leases, when their pending offline is due ({@code null}: none), and their last node. */
    private record UserState(int live, Instant offlineAt, String lastNode) {
    }
}
