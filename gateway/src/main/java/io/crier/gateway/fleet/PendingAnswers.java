package io.crier.gateway.fleet;

import io.crier.protocol.FleetApiResult;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The actions this node sent on the control channel and the nodes' answers to each: how many sessions each node
 * reached. An action is done when as many nodes answered as the cluster view held when it was sent, or when the
 * answer timeout passes; either way it completes with the sum of what came. At most {@value #MAX_PENDING} actions
 * wait at once, so a flood of API calls against a silent fleet holds bounded memory.
 *
 * <p>Thread-safe.
 */
final class PendingAnswers {

    /** The most actions that wait for answers at once. */
    static final int MAX_PENDING = 1024;

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final Duration timeout;

    PendingAnswers(ScheduledExecutorService scheduler, Duration timeout) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Starts waiting for {@code expected} nodes' answers to {@code request}; {@code null} when
     * {@value #MAX_PENDING} actions wait already.
     */
    CompletableFuture<FleetApiResult.Reached> open(String request, int expected) {
        if (pending.size() >= MAX_PENDING) {
            return null;
        }
        Pending waiting = new Pending(Math.max(1, expected));
        pending.put(request, waiting);
        scheduler.schedule(() -> finish(request), timeout.toMillis(), TimeUnit.MILLISECONDS);
        return waiting.done;
    }

    /** A node's answer; ignored when nobody waits for {@code request} (any more), or the node answered already. */
    void answer(String request, String node, long sessions) {
        Pending waiting = pending.get(request);
        if (waiting != null && waiting.add(node, sessions)) {
            finish(request);
        }
    }

    /** Stops waiting for {@code request}: its message could not be sent. */
    void cancel(String request) {
        pending.remove(request);
    }

    private void finish(String request) {
        Pending waiting = pending.remove(request);
        if (waiting != null) {
            waiting.complete();
        }
    }

    /** One action's answers so far. Thread-safe. */
    private static final class Pending {
        private final int expected;
        private final Map<String, Long> byNode = new ConcurrentHashMap<>();
        private final CompletableFuture<FleetApiResult.Reached> done = new CompletableFuture<>();

        Pending(int expected) {
            this.expected = expected;
        }

        /** Records {@code node}'s answer; true when every expected node has answered. */
        boolean add(String node, long sessions) {
            byNode.putIfAbsent(node, sessions);
            return byNode.size() >= expected;
        }

        void complete() {
            done.complete(new FleetApiResult.Reached(
                    byNode.values().stream().mapToLong(Long::longValue).sum(), byNode.size()));
        }
    }
}
