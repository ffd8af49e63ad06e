package io.crier.gateway;

import io.crier.gateway.config.DrainConfig;
import io.crier.gateway.drain.DrainPacer;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.gateway.transport.Disconnector;
import io.crier.gateway.transport.Readiness;
import io.crier.gateway.transport.SessionDrain;
import io.micrometer.core.instrument.Counter;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graceful drain of one node, started by SIGTERM or {@code POST /admin/drain}: {@code /readyz} turns 503
 * at once, but upgrades are still accepted for {@code drain.readinessDelay}, so that a load balancer that has
 * not yet seen the 503 never sends an upgrade to a node that refuses it; then new upgrades are refused (through
 * {@link Readiness}) and the {@link DrainPacer} disconnects the sessions with 4000 {@code shutdown} and a
 * reconnect delay hint, spread over {@code drain.window}. {@link #startAtOnce} skips the readiness delay, for a
 * plain {@code close()} that no load balancer waits on. Counts {@link MeterCatalog#DRAINS} by trigger, and logs once,
 * when the node has drained, how many upgrades it refused while draining (0 behind a load balancer that
 * follows {@code /readyz}, when the delay fits its checks).
 *
 * <p>Thread-safe; {@link #start} never blocks, {@link #await} does (never call it on an event loop).
 */
final class NodeDrain {

    private static final Logger log = LoggerFactory.getLogger(NodeDrain.class);

    private final String nodeId;
    private final Duration window;
    private final Duration readinessDelay;
    private final Readiness readiness;
    private final SessionDrain sessions;
    private final DrainPacer<Channel> pacer;
    private final MeterRegistry meters;
    private final AtomicBoolean refusalsReported = new AtomicBoolean();
    /** The readiness delay of the drain that started (zero until then, or when started at once). */
    private volatile Duration delay = Duration.ZERO;

    NodeDrain(String nodeId, DrainConfig config, Readiness readiness, SessionDrain sessions,
              ScheduledExecutorService scheduler, MeterRegistry meters) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.window = config.window();
        this.readinessDelay = config.readinessDelay();
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.pacer = new DrainPacer<>(sessions, scheduler, config.window(), config.reconnectDelayMax(),
                new SplittableRandom());
    }

    /**
     * Starts the drain, readiness delay first, unless it is running or done.
     *
     * @param trigger why ({@code shutdown}, {@code admin}), for the log and the counter
     * @return completes when the node is empty or the window has ended
     */
    CompletableFuture<Void> start(String trigger) {
        return start(trigger, readinessDelay);
    }

    /** As {@link #start}, with no readiness delay: upgrades are refused and the disconnects begin now. */
    CompletableFuture<Void> startAtOnce(String trigger) {
        return start(trigger, Duration.ZERO);
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
     * Waits until the drain has ended and the last sessions' close handshakes are over, for at most the
     * readiness delay plus the window plus twice the close timeout.
     */
    void await() {
        Duration longest = delay.plus(window).plus(Disconnector.CLOSE_TIMEOUT.multipliedBy(2));
        long deadline = System.nanoTime() + longest.toNanos();
        try {
            pacer.done().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn("node {}: the drain did not end within {}; closing anyway", nodeId, longest);
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
        reportRefusals();
    }

    private CompletableFuture<Void> start(String trigger, Duration readinessDelay) {
        if (readiness.leaveRotation()) {
            delay = readinessDelay;
            MeterCatalog.DRAINS.counter(meters, "trigger", trigger).increment();
            log.info("node {} draining ({}): out of rotation; refusing upgrades after {}, then disconnecting over {}",
                    nodeId, trigger, readinessDelay, window);
            pacer.done().thenRun(() -> log.info("node {} drained", nodeId));
        }
        return pacer.start(readinessDelay, this::refuseUpgrades);
    }

    private void refuseUpgrades() {
        readiness.startDraining();
        log.info("node {} refusing upgrades; disconnecting {} sessions over {}", nodeId, sessions.sessions().size(),
                window);
    }

    /**
     * One line an operator (and the fleet test) can read: upgrades that reached this node while it refused
     * them mean the load balancer routed to it after its readiness delay, which should then be longer.
     */
    private void reportRefusals() {
        if (!refusalsReported.compareAndSet(false, true)) {
            return;
        }
        Counter refused = meters.find("crier.handshakes.refused").tag("reason", "draining").counter();
        if (refused == null) {
            log.warn("node {}: no crier.handshakes.refused meter; upgrades refused while draining are unknown", nodeId);
        } else {
            log.info("node {} refused {} upgrades while draining", nodeId, (long) refused.count());
        }
    }
}
