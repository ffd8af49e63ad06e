package io.crier.gateway.fleet;

import io.crier.cluster.ControlChannel;
import io.crier.cluster.Revocation;
import io.crier.cluster.RevocationStore;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.FleetAction;
import io.crier.protocol.FleetControlCodec;
import io.crier.protocol.FleetApiResult;
import io.crier.protocol.PublishApiError;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes server API actions on behalf of backends, on the node they called. A revocation ({@code revoke},
 * {@code invalidate}, {@code block}, {@code unblock}) is first written to the {@link RevocationStore} (if that
 * fails, nothing was done: {@code unavailable}); then this node applies the action to its own sessions, and one
 * control message asks every other node to apply it to theirs; each node answers with the number it reached. The
 * answer is {@code {"sessions":S,"nodes":K}}: the sum over the {@code K} nodes (this one included) that answered
 * before every node of the cluster view had, or before {@code fleet.answerTimeout}. When the control message cannot
 * be sent, this node answers for itself ({@code "nodes":1}); a stored revocation then reaches the other nodes with
 * their next reload. The reads ({@code info}, {@code presence}, {@code history}) are answered by
 * {@link FleetReads}. Failures become results, never failed stages.
 *
 * <p>Thread-safe; stages complete on the store's, the control channel's or the scheduler's threads.
 */
public final class FleetActions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FleetActions.class);
    private static final String UNAVAILABLE_MESSAGE = "Redis is unavailable; nothing was done; retry later";
    private static final String BUSY_MESSAGE = "too many actions in flight; retry later";

    private final String nodeId;
    private final FleetControlCodec codec = new FleetControlCodec();
    private final ControlChannel control;
    private final RevocationStore store;
    private final RevocationCache revocations;
    private final LocalActions local;
    private final FleetReads reads;
    private final Clock clock;
    private final FleetMeters meters;
    private final PendingAnswers answers;
    private final ControlReceiver receiver;

    /**
     * @param parts     the node's control channel and revocation store, which this object starts and closes
     * @param local     applies actions to this node's sessions
     * @param scheduler runs the answer timeouts and the periodic revocation reloads
     */
    public FleetActions(FleetParts parts, LocalActions local, RevocationCache revocations, FleetReads reads,
                        ScheduledExecutorService scheduler, MeterRegistry meters) {
        this.nodeId = parts.nodeId();
        this.control = parts.control();
        this.store = parts.store();
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.local = Objects.requireNonNull(local, "local");
        this.reads = Objects.requireNonNull(reads, "reads");
        this.clock = parts.clock();
        this.meters = new FleetMeters(meters);
        this.answers = new PendingAnswers(scheduler, parts.config().answerTimeout());
        this.receiver = new ControlReceiver(nodeId, local, answers, revocations);
        revocations.onReloaded(local::closeAllHit);
        revocations.start(scheduler, parts.config().revocationReload());
        receiver.listen(control);
    }

    /** Whether the revocations were loaded once (the node is not ready before: see {@link RevocationCache#loaded}). */
    public boolean ready() {
        return revocations.loaded();
    }

    /** Takes one action; the stage never fails. */
    public CompletionStage<FleetApiResult> take(FleetAction action) {
        Objects.requireNonNull(action, "action");
        CompletionStage<FleetApiResult> result;
        try {
            result = run(resolve(action));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.exceptionally(FleetActions::failed)
                .thenApply(answer -> meters.taken(action, answer));
    }

    /** Takes every action of a batch, concurrently: one result per action, in order. The stage never fails. */
    public CompletionStage<List<FleetApiResult>> takeAll(List<FleetAction> actions) {
        List<CompletableFuture<FleetApiResult>> results = new ArrayList<>(actions.size());
        for (FleetAction action : actions) {
            results.add(take(action).toCompletableFuture());
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> results.stream().map(CompletableFuture::join).toList());
    }

    private FleetAction resolve(FleetAction action) {
        return action instanceof FleetAction.Invalidate invalidate && invalidate.issuedBefore() == null
                ? new FleetAction.Invalidate(invalidate.user(), clock.instant()) : action;
    }

    private CompletionStage<FleetApiResult> run(FleetAction action) {
        if (action instanceof FleetAction.Rejected rejected) {
            return CompletableFuture.completedFuture(new FleetApiResult.Failed(rejected.error(), rejected.message()));
        }
        CompletionStage<FleetApiResult> read = reads.answer(action);
        if (read != null) {
            return read;
        }
        Revocation revocation = local.revocationOf(action);
        CompletionStage<Void> stored = revocation == null ? CompletableFuture.completedFuture(null)
                : store.apply(revocation, clock.instant());
        return stored.thenCompose(ignored -> broadcast(action));
    }

    /**
     * Applies the action to this node's sessions at once (so that this node acts even when its own subscription is
     * down), then sends it to the other nodes and gathers their counts; alone when the control channel fails.
     */
    private CompletionStage<FleetApiResult> broadcast(FleetAction action) {
        String request = UUID.randomUUID().toString();
        return reads.nodeCount().thenCompose(expected -> {
            CompletableFuture<FleetApiResult.Reached> counted = answers.open(request, expected);
            if (counted == null) {
                return CompletableFuture.completedFuture(
                        new FleetApiResult.Failed(PublishApiError.UNAVAILABLE, BUSY_MESSAGE));
            }
            long here = local.apply(action);
            answers.answer(request, nodeId, here);
            return control.send(codec.encodeControl(request, nodeId, action))
                    .<FleetApiResult>thenCompose(sent -> counted.thenApply(FleetApiResult.class::cast))
                    .exceptionally(failure -> {
                        answers.cancel(request);
                        log.debug("control message not sent; {} applied on this node only", action.name(), failure);
                        return new FleetApiResult.Reached(here, 1);
                    });
        });
    }

    private static FleetApiResult failed(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof io.crier.cluster.BrokerUnavailableException) {
            return new FleetApiResult.Failed(PublishApiError.UNAVAILABLE, UNAVAILABLE_MESSAGE);
        }
        log.warn("a server API action failed: {}", cause.toString());
        return new FleetApiResult.Failed(PublishApiError.INTERNAL, "the action failed; it may or may not have been done");
    }

    /** Stops the reloads and closes the control channel and the revocation store. */
    @Override
    public void close() {
        revocations.close();
        control.close();
        store.close();
    }

    /** Counts taken actions in {@link MeterCatalog#FLEET_ACTIONS}. Thread-safe. */
    private static final class FleetMeters {
        private final MeterRegistry registry;

        FleetMeters(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        FleetApiResult taken(FleetAction action, FleetApiResult result) {
            if (!(action instanceof FleetAction.Rejected)) {
                String outcome = result instanceof FleetApiResult.Failed failed ? failed.error().wire() : "ok";
                MeterCatalog.FLEET_ACTIONS.counter(registry, "action", action.name(), "result", outcome).increment();
            }
            return result;
        }
    }
}
