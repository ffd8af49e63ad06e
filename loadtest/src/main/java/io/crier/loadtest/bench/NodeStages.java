package io.crier.loadtest.bench;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * What a gateway node says about one step, from its {@code GET /metrics} before and after it: its GC pauses (count,
 * total, the longest the node still reports) and, per stage of a publication's path, the mean time: broker receipt
 * to fan-out start ({@code crier.hub.decode}), fan-out start to an event loop starting to write it
 * ({@code crier.fanout.handoff}, per drain) and to every loop having written it ({@code crier.delivery.latency}),
 * with how far publications shared loop tasks and flushes. The meters are defined in the gateway's
 * {@code MeterCatalog}; the yardstick serves none, so for it there is no reading. Immutable.
 *
 * @param gcPauses          GC pauses in the step
 * @param gcPauseMillis     their total, in milliseconds
 * @param gcPauseMaxMillis  the longest pause the node's {@code jvm.gc.pause} maximum still shows (Micrometer decays
 *                          it over about two minutes, so it may come from just before the step)
 * @param decodeMicros      mean broker receipt → fan-out start, in microseconds
 * @param handoffMicros     mean fan-out start → a loop starting its drain (the drain's oldest publication)
 * @param writtenMicros     mean fan-out start → written by every loop
 * @param perDrain          publications per loop task
 * @param flushesPerPush    session flushes per delivery
 * @param bytesPerPush      bytes the node sent ({@code crier.sent}, frames and their headers) per fan-out delivery:
 *                          what a delivery costs on the wire, compressed or not
 */
record NodeStages(long gcPauses, double gcPauseMillis, double gcPauseMaxMillis, double decodeMicros,
                  double handoffMicros, double writtenMicros, double perDrain, double flushesPerPush,
                  double bytesPerPush) {

    private static final String GC_PAUSE = "jvm_gc_pause_seconds";

    /**
     * {@code metrics} when a gateway serves them there, else null: the yardstick answers no such request, so it is
     * asked once, briefly.
     */
    static URI servedOrNull(URI metrics) {
        try {
            NodeScrape.read(metrics, Duration.ofSeconds(2));
            return metrics;
        } catch (RuntimeException e) {
            // Nothing serves a node's metrics there (the yardstick): its steps are reported without them.
            return null;
        }
    }

    /** The node's metrics now, or null when there are none to read ({@code metrics} null). */
    static NodeScrape readOrNull(URI metrics) {
        return metrics == null ? null : NodeScrape.read(metrics);
    }

    /** The step between two readings; null when either is missing. */
    static NodeStages between(NodeScrape before, NodeScrape after) {
        if (before == null || after == null) {
            return null;
        }
        double pushes = delta(before, after, "crier_pushes_out_total{type=\"fanout\"}");
        double drains = delta(before, after, "crier_fanout_drains_total");
        return new NodeStages(Math.round(delta(before, after, GC_PAUSE + "_count")),
                delta(before, after, GC_PAUSE + "_sum") * 1e3, after.max(GC_PAUSE + "_max") * 1e3,
                meanMicros(before, after, "crier_hub_decode_seconds"),
                meanMicros(before, after, "crier_fanout_handoff_seconds"),
                meanMicros(before, after, "crier_delivery_latency_seconds"),
                drains > 0 ? delta(before, after, "crier_fanout_drained_total") / drains : 0,
                pushes > 0 ? delta(before, after, "crier_fanout_flushes_total") / pushes : 0,
                pushes > 0 ? delta(before, after, "crier_sent_bytes_total") / pushes : 0);
    }

    String describe() {
        return String.format(Locale.ROOT, "node: gc %d pauses %.0f ms (max %.0f ms); µs decode=%.0f handoff=%.0f "
                        + "written=%.0f; publications/drain=%.2f flushes/delivery=%.2f bytes/delivery=%.0f", gcPauses,
                gcPauseMillis, gcPauseMaxMillis, decodeMicros, handoffMicros, writtenMicros, perDrain, flushesPerPush,
                bytesPerPush);
    }

    /** The machine-readable fields of the RESULT line. */
    String resultFields() {
        return String.format(Locale.ROOT, "gc_pauses=%d gc_pause_ms=%.0f gc_pause_max_ms=%.0f decode_us=%.0f "
                        + "handoff_us=%.0f written_us=%.0f pubs_per_drain=%.2f flushes_per_delivery=%.2f "
                        + "bytes_per_delivery=%.0f", gcPauses, gcPauseMillis, gcPauseMaxMillis, decodeMicros,
                handoffMicros, writtenMicros, perDrain, flushesPerPush, bytesPerPush);
    }

    private static double delta(NodeScrape before, NodeScrape after, String name) {
        return after.sum(name) - before.sum(name);
    }

    private static double meanMicros(NodeScrape before, NodeScrape after, String timer) {
        double count = delta(before, after, timer + "_count");
        return count > 0 ? delta(before, after, timer + "_sum") / count * 1e6 : 0;
    }
}
