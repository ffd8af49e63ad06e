package io.crier.loadtest.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs publishing steps against connected clients: one step publishes at a rate for a while, waits (bounded) for
 * the deliveries to drain, and returns a {@link StepResult}. {@link #search} raises the rate step by step until a
 * step fails and then tries once between the last pass and the failure.
 *
 * <p>Not thread-safe: driven by the controller thread.
 */
final class RateSteps {

    private static final Duration QUIET = Duration.ofMillis(500);
    private static final Duration MAX_DRAIN = Duration.ofSeconds(5);
    private static final Duration FINAL_DRAIN = Duration.ofSeconds(15);
    private static final long SELF = ProcessHandle.current().pid();

    private final ClientFleet fleet;
    private final RedisPublisher publisher;
    private final double subscribersPerTopic;
    private final long serverPid;
    private final CpuWatch watch;
    /** The node's metrics, read around each step; none are served by the yardstick. */
    private final URI metrics;
    private DeliveryLedger.Totals previous = new DeliveryLedger.Totals();

    RateSteps(ClientFleet fleet, RedisPublisher publisher, int readyClients, int topics, long serverPid,
              CpuWatch watch, URI metrics) {
        this.fleet = fleet;
        this.metrics = NodeStages.servedOrNull(metrics);
        this.watch = watch;
        this.publisher = publisher;
        this.subscribersPerTopic = (double) readyClients / topics;
        this.serverPid = serverPid;
    }

    /** Publishes at {@code rate} for {@code duration}, drains, and measures. */
    StepResult step(double rate, Duration duration) throws IOException, InterruptedException {
        fleet.takeLatency(); // drop whatever came before this step
        long receivedBefore = fleet.received();
        long cpuBefore = NodeProbe.cpuMillis(serverPid);
        long selfBefore = NodeProbe.cpuMillis(SELF);
        long noReceiverBefore = publisher.noReceiver();
        CpuWatch.Snapshot watchedBefore = watch.snapshot();
        NodeScrape nodeBefore = NodeStages.readOrNull(metrics);
        long start = System.nanoTime();
        long sent = publisher.publish(rate, duration);
        long publishedFor = System.nanoTime() - start;
        publisher.awaitReplies();
        long drainStart = System.nanoTime();
        long lastDelivery = drain(MAX_DRAIN);
        boolean drained = System.nanoTime() - lastDelivery >= QUIET.toNanos();
        long cpuAfter = NodeProbe.cpuMillis(serverPid);
        long selfAfter = NodeProbe.cpuMillis(SELF);
        CpuWatch.Usage watched = watch.since(watchedBefore, sent);
        NodeStages node = NodeStages.between(nodeBefore, nodeBefore == null ? null : NodeStages.readOrNull(metrics));
        long received = fleet.received() - receivedBefore;
        DeliveryLedger.Totals cumulative = fleet.totals(publisher.publishedPerTopic());
        DeliveryLedger.Totals step = minus(cumulative, previous);
        previous = cumulative;
        double window = Math.max(publishedFor, lastDelivery - start) / 1e9;
        double elapsed = (System.nanoTime() - start) / 1e9; // CPU is read after the drain, so over this
        double cpuPct = cpuBefore < 0 ? -1 : (cpuAfter - cpuBefore) / 10.0 / elapsed;
        double selfPct = (selfAfter - selfBefore) / 10.0 / elapsed;
        double cpuPerDelivery = cpuBefore < 0 || received == 0 ? -1 : (cpuAfter - cpuBefore) * 1000.0 / received;
        return new StepResult(rate, sent, received, sent * subscribersPerTopic / (publishedFor / 1e9),
                received / window, fleet.takeLatency(), step, publisher.noReceiver() - noReceiverBefore,
                fleet.closesAfterReady(), new StepResult.Cpu(cpuPct, selfPct, cpuPerDelivery), watched,
                drained ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStart) : -1, node);
    }

    /**
     * The accounting of the whole run so far (warm-up included), after waiting up to {@link #FINAL_DRAIN} for
     * stragglers: the authoritative loss figures (a step's own figures count publications still in flight when
     * its drain gave up as lost).
     */
    DeliveryLedger.Totals finalTotals() throws InterruptedException {
        drain(FINAL_DRAIN);
        return fleet.totals(publisher.publishedPerTopic());
    }

    /**
     * Raises the rate from {@code startRate} by {@code factor} each step until one fails, the steps run out or
     * the budget would be passed, then tries once at the geometric middle of the last pass and the failure.
     * Returns the best passing step, or null when none passed.
     */
    StepResult search(BenchOptions o) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + o.budget().toNanos();
        long stepCost = o.step().toNanos() + MAX_DRAIN.toNanos();
        long bound = o.p99Bound().toNanos() / 1000;
        StepResult best = null;
        StepResult failed = null;
        double rate = o.startRate();
        for (int i = 0; i < o.maxSteps() && System.nanoTime() + stepCost < deadline; i++) {
            StepResult r = step(rate, o.step());
            Bench.say("step %d: %s -> %s", i + 1, r.describe(), r.verdict(bound));
            if (!r.passes(bound)) {
                failed = r;
                break;
            }
            best = r;
            rate *= o.factor();
        }
        if (best != null && failed != null && failed.closes().isEmpty()
                && System.nanoTime() + stepCost < deadline) {
            StepResult r = step(Math.sqrt(best.rate() * failed.rate()), o.step());
            Bench.say("refine: %s -> %s", r.describe(), r.verdict(bound));
            if (r.passes(bound)) {
                best = r;
            }
        }
        return best;
    }

    /** Waits until no delivery came for {@link #QUIET} (at most {@code max}); returns the last one's time. */
    private long drain(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        long last = fleet.received();
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - lastChange < QUIET.toNanos()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            long now = fleet.received();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
        return lastChange;
    }

    private static DeliveryLedger.Totals minus(DeliveryLedger.Totals a, DeliveryLedger.Totals b) {
        DeliveryLedger.Totals d = new DeliveryLedger.Totals();
        d.distinct = a.distinct - b.distinct;
        d.duplicates = a.duplicates - b.duplicates;
        d.outOfOrder = a.outOfOrder - b.outOfOrder;
        d.lost = a.lost - b.lost;
        d.clientsWithLoss = a.clientsWithLoss - b.clientsWithLoss;
        d.foreign = a.foreign - b.foreign;
        d.untracked = a.untracked - b.untracked;
        return d;
    }
}
