package io.crier.gateway.online;

import io.crier.cluster.UserSession;
import io.crier.cluster.UserStatusLog;
import io.crier.gateway.auth.User;
import io.crier.gateway.session.Session;
import io.crier.gateway.session.SessionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of the online/offline events: leases each authenticated session of this node in the
 * {@link UserStatusLog} when it opens, renews them all every {@code refreshInterval}, ends a session's lease when it
 * closes, and sweeps the log every {@code sweepInterval} (in a fleet, the node that holds the sweeper lock does the
 * work). Anonymous sessions have no user and are not leased.
 *
 * <p>A failed call heals by itself: a lease that failed to open is added by the next renewal, and one that failed to
 * end lapses with {@code events.leaseTtl}. Failures are counted; the first of a run is logged at WARN, and the
 * recovery at INFO.
 *
 * <p>Thread-safe: one lock orders every change of the local sessions with the log calls it makes, so that the log
 * sees a session's open, renewals and end in that order (a renewal re-adds a missing lease, so it must never follow
 * the end). The calls are asynchronous and never block; timers run on {@code scheduler}.
 */
public final class OnlineTracker implements SessionListener, AutoCloseable {

    /** The longest {@link #close()} waits for the last ends. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(OnlineTracker.class);

    private final UserStatusLog statusLog;
    private final String nodeId;
    private final Object lock = new Object();
    /** This node's leased sessions, by session id. */
    private final Map<String, UserSession> sessions = new HashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong appended = new AtomicLong();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>(2);
    private boolean failing;
    private boolean closed;

    /** @param nodeId this node's id, recorded with each lease */
    public OnlineTracker(UserStatusLog statusLog, String nodeId) {
        this.statusLog = Objects.requireNonNull(statusLog, "statusLog");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    }

    /** Starts renewing every {@code refreshInterval} and sweeping every {@code sweepInterval}, on {@code scheduler}. */
    public void start(ScheduledExecutorService scheduler, Duration refreshInterval, Duration sweepInterval) {
        synchronized (lock) {
            if (closed || !timers.isEmpty()) {
                return;
            }
            repeat(scheduler, this::renew, refreshInterval, 0);
            repeat(scheduler, this::sweep, sweepInterval, 1);
        }
    }

    @Override
    public void opened(Session session) {
        lease(session.id(), session.user());
    }

    @Override
    public void closed(Session session) {
        release(session.id());
    }

    /** Leases session {@code sessionId} of {@code user}; nothing for an anonymous one. */
    void lease(String sessionId, User user) {
        if (user.isAnonymous()) {
            return;
        }
        UserSession leased = new UserSession(user.id(), sessionId, nodeId);
        synchronized (lock) {
            if (closed) {
                return;
            }
            sessions.put(leased.sessionId(), leased);
            watch(statusLog.open(leased));
        }
    }

    /** Ends the lease of session {@code sessionId}, if it has one. */
    void release(String sessionId) {
        synchronized (lock) {
            UserSession leased = sessions.remove(sessionId);
            if (leased != null && !closed) {
                watch(statusLog.end(leased));
            }
        }
    }

    /** Renews the lease of every local session (the heartbeat). */
    public void renew() {
        synchronized (lock) {
            if (closed || sessions.isEmpty()) {
                return;
            }
            watch(statusLog.renew(List.copyOf(sessions.values())));
        }
    }

    /** Sweeps the log once; the stage completes with the entries this sweep appended and never fails. */
    public CompletionStage<Integer> sweep() {
        return statusLog.sweep().handle((count, error) -> {
            if (error != null) {
                failed(error);
                return 0;
            }
            recovered();
            appended.addAndGet(count);
            return count;
        });
    }

    /** Local sessions whose leases this node renews. */
    public int leasedSessions() {
        synchronized (lock) {
            return sessions.size();
        }
    }

    /** Log calls that failed. */
    public long failures() {
        return failures.get();
    }

    /** Entries this node's sweeps appended to the log. */
    public long appended() {
        return appended.get();
    }

    /**
     * Stops the timers and ends every local lease at once (their users go offline after the grace unless they come
     * back elsewhere), waiting up to {@link #CLOSE_TIMEOUT}. Call it after the sessions have closed and before the
     * log closes; never on an event loop. Idempotent.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> ends = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            timers.forEach(timer -> timer.cancel(false));
            sessions.values().forEach(leased -> ends.add(watch(statusLog.end(leased))));
            sessions.clear();
        }
        try {
            CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new))
                    .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Leases left behind lapse with events.leaseTtl, as a crashed node's do; failures were counted.
            log.debug("user status lease ends at shutdown did not all complete", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code task} every {@code interval}, its next run scheduled (in slot {@code slot} of the timers) after
     * each one: one-shot timers, so that a slow run never piles up runs behind it. Holds lock.
     */
    private void repeat(ScheduledExecutorService scheduler, Runnable task, Duration interval, int slot) {
        if (closed) {
            return;
        }
        try {
            ScheduledFuture<?> next = scheduler.schedule(() -> {
                task.run();
                synchronized (lock) {
                    repeat(scheduler, task, interval, slot);
                }
            }, interval.toNanos(), TimeUnit.NANOSECONDS);
            if (timers.size() > slot) {
                timers.set(slot, next);
            } else {
                timers.add(next);
            }
        } catch (RejectedExecutionException e) {
            // Only once the node's scheduler has stopped, when there is nothing left to keep alive.
            log.debug("online events timer not rescheduled: the scheduler has stopped");
        }
    }

    /** Counts a failure of {@code call}; the returned stage completes with it and never fails. */
    private CompletableFuture<Void> watch(CompletionStage<Void> call) {
        return call.handle((ignored, error) -> {
            if (error != null) {
                failed(error);
            } else {
                recovered();
            }
            return (Void) null;
        }).toCompletableFuture();
    }

    private void failed(Throwable error) {
        failures.incrementAndGet();
        synchronized (this) {
            if (!failing) {
                failing = true;
                log.warn("node {}: the user status log fails ({}); leases heal with the next renewal", nodeId,
                        error.toString());
            }
        }
        log.debug("a user status log call failed", error);
    }

    private synchronized void recovered() {
        if (failing) {
            failing = false;
            log.info("node {}: the user status log works again", nodeId);
        }
    }
}
