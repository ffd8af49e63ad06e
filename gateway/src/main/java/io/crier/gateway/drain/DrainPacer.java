package io.crier.gateway.drain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Runs one drain: optionally waits a readiness delay first (the node is out of rotation but still accepts
 * sessions, until the load balancer has noticed), then takes a snapshot of the open sessions, disconnects them
 * batch by batch as the {@link DrainPlan} says (each with a random reconnect delay hint in
 * {@code [0, reconnectDelayMax]}), checks every {@link #CHECK_INTERVAL} whether the node is empty, and at the
 * end of the window closes whatever is left at once. {@link #done()} completes when the node is empty or the
 * window has ended, whichever is first.
 *
 * <p>Thread-safe: {@link #start()} may be called from any thread, any number of times (the drain starts
 * once); the batches run on the scheduler; the state is guarded by this object's lock.
 *
 * @param <S> the session handle (a Netty channel in production, anything in tests)
 */
public final class DrainPacer<S> {

    /** How often the pacer checks whether every session has gone. */
    public static final Duration CHECK_INTERVAL = Duration.ofMillis(100);

    /** The sessions of a node, as the pacer sees them. Implementations must be thread-safe. */
    public interface Target<S> {

        /** The sessions still open now, in any order (a fresh collection). */
        Collection<S> sessions();

        /** Starts disconnecting {@code session} with the shutdown code and this reconnect delay hint. */
        void disconnect(S session, long reconnectDelayMs);

        /** The window has ended: closes every session still open at once. */
        void closeAll();
    }

    private final Target<S> target;
    private final ScheduledExecutorService scheduler;
    private final Duration window;
    private final long reconnectDelayMaxMillis;
    private final RandomGenerator random;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final List<Future<?>> pending = new ArrayList<>();
    private boolean started;

    /**
     * @param target            the node's sessions
     * @param scheduler         runs the batches and the checks
     * @param window            the disconnects are spread over this window
     * @param reconnectDelayMax the largest reconnect delay hint; zero sends no hint
     * @param random            draws the hints
     */
    public DrainPacer(Target<S> target, ScheduledExecutorService scheduler, Duration window,
                      Duration reconnectDelayMax, RandomGenerator random) {
        this.target = Objects.requireNonNull(target, "target");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.window = Objects.requireNonNull(window, "window");
        this.reconnectDelayMaxMillis = reconnectDelayMax.toMillis();
        this.random = Objects.requireNonNull(random, "random");
        if (window.isNegative() || reconnectDelayMaxMillis < 0) {
            throw new IllegalArgumentException("window and reconnectDelayMax must not be negative");
        }
    }

    /**
     * Starts the drain at once unless it has started already.
     *
     * @return {@link #done()}
     */
    public CompletableFuture<Void> start() {
        return start(Duration.ZERO, () -> { });
    }

    /**
     * Starts the drain unless it has started already: nothing happens to the sessions for
     * {@code readinessDelay}, then {@code beforeDisconnects} runs (the node starts refusing new sessions), the
     * open sessions are taken and their disconnects paced over the window. With a zero delay all of it happens
     * before this method returns.
     *
     * @return {@link #done()}
     */
    public CompletableFuture<Void> start(Duration readinessDelay, Runnable beforeDisconnects) {
        Objects.requireNonNull(beforeDisconnects, "beforeDisconnects");
        if (readinessDelay.isNegative()) {
            throw new IllegalArgumentException("readinessDelay must not be negative: " + readinessDelay);
        }
        synchronized (this) {
            if (started) {
                return done;
            }
            started = true;
            if (!readinessDelay.isZero()) {
                try {
                    pending.add(schedule(() -> begin(beforeDisconnects), readinessDelay));
                    return done;
                } catch (RejectedExecutionException e) {
                    // The scheduler is shutting down, so the node is going away: no time to wait for the LB.
                }
            }
        }
        begin(beforeDisconnects);
        return done;
    }

    /** Completes when the node is empty or the window has ended (never exceptionally). */
    public CompletableFuture<Void> done() {
        return done;
    }

    /** Whether the drain has been started (by either {@code start} method). */
    public synchronized boolean started() {
        return started;
    }

    /** The readiness delay is over: refuse new sessions, then pace the disconnects of the ones open now. */
    private void begin(Runnable beforeDisconnects) {
        beforeDisconnects.run();
        synchronized (this) {
            pending.removeIf(Future::isDone);
            List<S> snapshot = new ArrayList<>(target.sessions());
            if (snapshot.isEmpty()) {
                done.complete(null);
                return;
            }
            try {
                for (DrainPlan.Batch batch : DrainPlan.of(snapshot.size(), window).batches()) {
                    List<S> sessions = List.copyOf(snapshot.subList(batch.from(), batch.to()));
                    pending.add(schedule(() -> disconnect(sessions), batch.at()));
                }
                pending.add(schedule(this::windowEnded, window));
                pending.add(schedule(this::check, CHECK_INTERVAL));
            } catch (RejectedExecutionException e) {
                // The scheduler is shutting down, so the node is going away anyway: close everything now.
                windowEnded();
            }
        }
    }

    private void disconnect(List<S> sessions) {
        for (S session : sessions) {
            if (done.isDone()) {
                return;
            }
            target.disconnect(session, reconnectDelayMillis());
        }
    }

    private long reconnectDelayMillis() {
        return reconnectDelayMaxMillis == 0 ? 0 : random.nextLong(reconnectDelayMaxMillis + 1);
    }

    private void check() {
        if (target.sessions().isEmpty()) {
            finish();
            return;
        }
        synchronized (this) {
            if (done.isDone()) {
                return;
            }
            pending.removeIf(Future::isDone);
            try {
                pending.add(schedule(this::check, CHECK_INTERVAL));
                return;
            } catch (RejectedExecutionException e) {
                // The scheduler is shutting down: fall through and end the drain now.
            }
        }
        windowEnded();
    }

    private void windowEnded() {
        if (!done.isDone()) {
            target.closeAll();
        }
        finish();
    }

    private void finish() {
        synchronized (this) {
            pending.forEach(task -> task.cancel(false));
            pending.clear();
        }
        // Completed outside the lock: whatever waits on done() runs without holding it.
        done.complete(null);
    }

    private Future<?> schedule(Runnable task, Duration delay) {
        return scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
