package io.crier.loadtest.bench;

import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one publishing step measured: the offered and the delivered rates, the publish-to-receive latency
 * percentiles, the delivery accounting, connections the server closed, and the server's CPU use.
 * Immutable apart from the histogram, which nobody changes after the step.
 *
 * @param rate            publications per second asked of the publisher
 * @param sent            publications sent in the step
 * @param offeredPerSec   deliveries per second the step asked for (sent x subscribers per topic / duration)
 * @param deliveredPerSec deliveries per second received, over the step and the drain after it
 * @param noReceiver      PUBLISH replies of 0 (the server had no subscription)
 * @param cpu             the server's and this load generator's CPU use over the step and its drain
 * @param watched         the CPU use of the processes given with {@code --watch}, over the same window
 * @param drainMillis     how long the deliveries went on after the publishing, or -1 when they did not stop within
 *                        the drain's bound (then {@code totals} counts publications still in flight as lost)
 * @param node            the node's GC pauses and per-stage times over the step, or null (the yardstick)
 */
record StepResult(double rate, long sent, long received, double offeredPerSec, double deliveredPerSec,
                  Histogram latency, DeliveryLedger.Totals totals, long noReceiver, Map<Integer, Integer> closes,
                  Cpu cpu, CpuWatch.Usage watched, long drainMillis, NodeStages node) {

    /**
     * CPU use in percent of one core, and the server's CPU time per delivery received over the same window (the
     * step and its drain), in microseconds; -1 when unknown.
     */
    record Cpu(double serverPct, double benchPct, double serverMicrosPerDelivery) {
    }

    /** Whether the step passes: p99 within the bound, nothing lost, duplicated or reordered, the rate kept. */
    boolean passes(long p99BoundMicros) {
        return latency.getTotalCount() > 0 && latency.getValueAtPercentile(99) <= p99BoundMicros && totals.clean()
                && drainMillis >= 0
                && noReceiver == 0 && closes.isEmpty() && deliveredPerSec >= 0.95 * offeredPerSec;
    }

    /** Why the step fails, or "pass". */
    String verdict(long p99BoundMicros) {
        if (passes(p99BoundMicros)) {
            return "pass";
        }
        StringBuilder why = new StringBuilder();
        if (latency.getTotalCount() == 0) {
            why.append("nothing received; ");
        } else if (latency.getValueAtPercentile(99) > p99BoundMicros) {
            why.append("p99 over ").append(p99BoundMicros / 1000).append(" ms; ");
        }
        if (drainMillis < 0) {
            why.append("deliveries still coming after the drain bound; ");
        } else if (!totals.clean() || noReceiver > 0) {
            why.append("losses/duplicates/reordering; ");
        }
        if (!closes.isEmpty()) {
            why.append("connections closed ").append(closes).append("; ");
        }
        if (deliveredPerSec < 0.95 * offeredPerSec) {
            why.append("deliveries behind the offered rate; ");
        }
        return "FAIL: " + why.toString().trim();
    }

    String describe() {
        return String.format(Locale.ROOT, "rate=%.0f pub/s sent=%d offered=%.0f/s delivered=%.0f/s "
                        + "latency ms p50=%.2f p99=%.2f p99.9=%.2f max=%.2f (n=%d) %s noReceiver=%d closes=%s "
                        + "cpu%% server=%.0f bench=%.0f server µs/delivery=%.2f drain=%s%s",
                rate, sent, offeredPerSec, deliveredPerSec, ms(50), ms(99), ms(99.9), maxMs(),
                latency.getTotalCount(), totals, noReceiver, closes, cpu.serverPct(), cpu.benchPct(),
                cpu.serverMicrosPerDelivery(),
                drainMillis < 0 ? "unfinished" : drainMillis + "ms",
                watched.processes().isEmpty() ? "" : "; " + watched.describe())
                + (node == null ? "" : "; " + node.describe());
    }

    /** The machine-readable fields of the RESULT line. */
    String resultFields() {
        return String.format(Locale.ROOT, "rate=%.0f deliveries_per_s=%.0f offered_per_s=%.0f "
                        + "server_cpu_us_per_delivery=%.2f p50_ms=%.2f "
                        + "p99_ms=%.2f p999_ms=%.2f max_ms=%.2f lost=%d dup=%d ooo=%d no_receiver=%d closed=%d "
                        + "server_cpu_pct=%.0f bench_cpu_pct=%.0f %s",
                rate, deliveredPerSec, offeredPerSec, cpu.serverMicrosPerDelivery(), ms(50), ms(99), ms(99.9),
                maxMs(), totals.lost,
                totals.duplicates, totals.outOfOrder, noReceiver,
                closes.values().stream().mapToInt(Integer::intValue).sum(), cpu.serverPct(), cpu.benchPct(),
                watched.resultFields()).trim() + (node == null ? "" : " " + node.resultFields());
    }

    private double ms(double percentile) {
        return latency.getValueAtPercentile(percentile) / 1000.0;
    }

    private double maxMs() {
        return latency.getMaxValue() / 1000.0;
    }
}
