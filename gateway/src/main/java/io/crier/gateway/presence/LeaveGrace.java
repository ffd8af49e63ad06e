package io.crier.gateway.presence;

import io.crier.gateway.presence.PresenceMember.Key;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@link PresenceTracker}'s sessions within their leave grace: each one's leave is finished when its timer
 * fires after {@code presence.leaveGrace}, unless a session of the same user subscribes to the same topic on
 * this node meanwhile and {@linkplain #takeOver takes its place} (oldest leaving session first).
 *
 * <p>Not thread-safe on its own: it is guarded by the tracker's lock. Callers hold it, and the timers take it
 * before ending a grace, so that the end of a grace is ordered with every other change of presence state.
 */
final class LeaveGrace {

    private final Duration grace;
    private final ScheduledExecutorService scheduler;
    private final Object lock;
    private final Consumer<PresenceMember> finish;
    /** Sessions within their leave grace, by topic and session. */
    private final Map<Key, Pending> leaving = new HashMap<>();
    /** The keys of {@link #leaving}, per topic and user, oldest first: who a rejoin takes over from. */
    private final Map<Key, Deque<Key>> leavingByUser = new HashMap<>();

    /**
     * @param grace     how long a leaving session's entry stays
     * @param scheduler runs the timers
     * @param lock      the tracker's lock, which guards this and which the timers take
     * @param finish    removes the entry and publishes the leave of a member whose grace ended; called with
     *                  {@code lock} held
     */
    LeaveGrace(Duration grace, ScheduledExecutorService scheduler, Object lock, Consumer<PresenceMember> finish) {
        this.grace = grace;
        this.scheduler = scheduler;
        this.lock = lock;
        this.finish = finish;
    }

    /** Starts {@code member}'s grace; finishes its leave at once when the scheduler has stopped. Holds lock. */
    void start(PresenceMember member) {
        Key key = member.key();
        ScheduledFuture<?> timer;
        try {
            timer = scheduler.schedule(() -> {
                synchronized (lock) {
                    end(key, member);
                }
            }, grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The scheduler stops with the node: leaving at once is what the grace would have come to.
            finish.accept(member);
            return;
        }
        leaving.put(key, new Pending(member, timer));
        leavingByUser.computeIfAbsent(member.userKey(), k -> new ArrayDeque<>()).addLast(key);
    }

    /**
     * The leaving session whose place {@code member} takes (the same session, or the oldest one of the same
     * user on the same topic), its grace ended without a leave; or null. Anonymous sessions take over only
     * their own. Holds lock.
     */
    PresenceMember takeOver(PresenceMember member) {
        Key key = member.key();
        if (!leaving.containsKey(key)) {
            String user = member.entry().user();
            Deque<Key> sameUser = user.isEmpty() ? null : leavingByUser.get(member.userKey());
            if (sameUser == null || sameUser.isEmpty()) {
                return null;
            }
            key = sameUser.peekFirst();
        }
        Pending pending = forget(key);
        pending.timer().cancel(false);
        return pending.member();
    }

    /** Ends every grace at once: cancels the timers and returns the members whose leave must be finished. */
    List<PresenceMember> endAll() {
        List<PresenceMember> ended = new ArrayList<>(leaving.size());
        for (Pending pending : List.copyOf(leaving.values())) {
            pending.timer().cancel(false);
            forget(pending.member().key());
            ended.add(pending.member());
        }
        return ended;
    }

    /** The members within their grace (their entries are still renewed). Holds lock. */
    List<PresenceMember> members() {
        List<PresenceMember> all = new ArrayList<>(leaving.size());
        for (Pending pending : leaving.values()) {
            all.add(pending.member());
        }
        return all;
    }

    /** How many sessions are within their grace. Holds lock. */
    int size() {
        return leaving.size();
    }

    /**
     * Ends the grace of {@code member} (of {@code key}), unless a rejoin already took it over: a timer that
     * could not be cancelled in time must not end a later grace of the same session. Holds lock.
     */
    private void end(Key key, PresenceMember member) {
        Pending pending = leaving.get(key);
        if (pending != null && pending.member() == member) {
            finish.accept(forget(key).member());
        }
    }

    private Pending forget(Key key) {
        Pending pending = leaving.remove(key);
        Key byUser = pending.member().userKey();
        Deque<Key> sameUser = leavingByUser.get(byUser);
        sameUser.remove(key);
        if (sameUser.isEmpty()) {
            leavingByUser.remove(byUser);
        }
        return pending;
    }

    /** A member within its leave grace, and the timer that ends the grace. */
    private record Pending(PresenceMember member, ScheduledFuture<?> timer) {
    }
}
