package io.crier.gateway;

import io.crier.gateway.config.DrainConfig;
import io.crier.gateway.drain.DrainPacer;
import io.crier.gateway.transport.Disconnector;
import io.crier.gateway.transport.Readiness;
import io.crier.gateway.transport.SessionDrain;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graceful drain of one node, started by SIGTERM or {@code POST /admin/drain}: {@code /readyz} turns 503
 * and new upgrades are refused at once (through {@link Readiness}), then the {@link DrainPacer} disconnects
 * the sessions with 4000 {@code shutdown} and a reconnect delay hint, spread over {@code drain.window}.
 * Counts {@code crier.drains} by trigger.
 *
 * <p>Thread-safe; {@link #start} never blocks, {@link #await} does (never call it on an event loop).
 */
final class NodeDrain {

    private static final Logger log = LoggerFactory.getLogger(NodeDrain.class);

    private final String nodeId;
    private final Duration window;
    private final Readiness readiness;
    private final SessionDrain sessions;
    private final DrainPacer<Channel> pacer;
    private final MeterRegistry meters;

    NodeDrain(String nodeId, DrainConfig config, Readiness readiness, SessionDrain sessions,
              ScheduledExecutorService scheduler, MeterRegistry meters) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.window = config.window();
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.pacer = new DrainPacer<>(sessions, scheduler, config.window(), config.reconnectDelayMax(),
                new SplittableRandom());
    }

    /**
     * Starts the drain unless it is running or done.
     *
     * @param trigger why ({@code shutdown}, {@code admin}), for the log and the counter
     * @return completes when the node is empty or the window has ended
     */
    CompletableFuture<Void> start(String trigger) {
        if (readiness.startDraining()) {
            meters.counter("crier.drains", "trigger", trigger).increment();
            log.info("node {} draining ({}): {} sessions over {}", nodeId, trigger, sessions.sessions().size(), window);
            pacer.start().thenRun(() -> log.info("node {} drained", nodeId));
        }
        return pacer.start();
    }

    /** Whether a drain has started. */
    boolean started() {
        return readiness.draining();
    }

    /** Completes when the drain has ended; never before {@link #start}. */
    CompletableFuture<Void> done() {
        return pacer.done();
    }

    /**
     * Waits until the drain has ended and the last sessions' close handshakes are over, for at most the window
     * plus twice the close timeout.
     */
    void await() {
        long deadline = System.nanoTime() + window.plus(Disconnector.CLOSE_TIMEOUT.multipliedBy(2)).toNanos();
        try {
            pacer.done().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn("node {}: the drain did not end within {}; closing anyway", nodeId, window);
        } catch (ExecutionException e) {
            log.warn("node {}: the drain failed; closing anyway", nodeId, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (Channel session : sessions.sessions()) {
            session.closeFuture().awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        }
    }
}
