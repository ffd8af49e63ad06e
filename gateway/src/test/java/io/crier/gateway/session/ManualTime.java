package io.crier.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * A clock that stands still until {@link #advance} moves it, and {@link TokenLifetime.Timers} on the same
 * time line: due tasks run on the calling thread, in order of due time. Not thread-safe; one per test.
 */
final class ManualTime extends Clock implements TokenLifetime.Timers {

    private record Task(Instant due, long order, FutureTask<Void> action) {
    }

    private final List<Task> tasks = new ArrayList<>();
    private Instant now;
    private long order;

    ManualTime(Instant start) {
        this.now = start;
    }

    /** Moves time forward by {@code step}, running every task that falls due. */
    void advance(Duration step) {
        Instant target = now.plus(step);
        while (true) {
            Task next = tasks.stream()
                    .filter(task -> !task.due().isAfter(target))
                    .min(Comparator.comparing(Task::due).thenComparingLong(Task::order))
                    .orElse(null);
            if (next == null) {
                now = target;
                return;
            }
            tasks.remove(next);
            if (next.due().isAfter(now)) {
                now = next.due();
            }
            next.action().run();
            rethrowFailureOf(next.action());
        }
    }

    /** A task that threw fails the test as it would have without the future around it. */
    private static void rethrowFailureOf(FutureTask<Void> ran) {
        try {
            ran.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Tasks scheduled and neither run nor cancelled. */
    int pending() {
        return tasks.size();
    }

    @Override
    public Future<?> schedule(Runnable task, Duration delay) {
        Task scheduled = new Task(now.plus(delay), order++, new FutureTask<>(task, null) {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                tasks.removeIf(pending -> pending.action() == this);
                return super.cancel(mayInterruptIfRunning);
            }
        });
        tasks.add(scheduled);
        return scheduled.action();
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the manual clock is always UTC");
    }
}
