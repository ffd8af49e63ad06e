package io.crier.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** A step's node readings: differences of two scrapes, summed over labels, as the bench prints them. */
class NodeStagesTest {

    private static final String BEFORE = """
            # HELP jvm_gc_pause_seconds Time spent in GC pause
            jvm_gc_pause_seconds_count{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 4
            jvm_gc_pause_seconds_sum{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.040
            jvm_gc_pause_seconds_max{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.012
            crier_pushes_out_total{type="fanout"} 1000
            crier_pushes_out_total{type="welcome"} 1000
            crier_fanout_drains_total 10
            crier_fanout_drained_total 10
            crier_fanout_flushes_total 1000
            crier_hub_decode_seconds_count 5
            crier_hub_decode_seconds_sum 0.0001
            crier_fanout_handoff_seconds_count 10
            crier_fanout_handoff_seconds_sum 0.01
            crier_delivery_latency_seconds_count 5
            crier_delivery_latency_seconds_sum 0.01
            crier_sent_bytes_total 200000
            """;

    private static final String AFTER = """
            jvm_gc_pause_seconds_count{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 6
            jvm_gc_pause_seconds_count{action="end of major GC",cause="System.gc()",gc="G1 Old Generation"} 1
            jvm_gc_pause_seconds_sum{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.060
            jvm_gc_pause_seconds_sum{action="end of major GC",cause="System.gc()",gc="G1 Old Generation"} 0.030
            jvm_gc_pause_seconds_max{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.015
            jvm_gc_pause_seconds_max{action="end of major GC",cause="System.gc()",gc="G1 Old Generation"} 0.030
            crier_pushes_out_total{type="fanout"} 5000
            crier_pushes_out_total{type="welcome"} 1000
            crier_fanout_drains_total 12
            crier_fanout_drained_total 18
            crier_fanout_flushes_total 3000
            crier_hub_decode_seconds_count 9
            crier_hub_decode_seconds_sum 0.0003
            crier_fanout_handoff_seconds_count 12
            crier_fanout_handoff_seconds_sum 0.012
            crier_delivery_latency_seconds_count 9
            crier_delivery_latency_seconds_sum 0.05
            crier_sent_bytes_total 600000
            """;

    @Test
    void aStepIsTheDifferenceOfTwoScrapesOverEveryLabelOfAMeter() {
        NodeStages step = NodeStages.between(NodeScrape.parse(BEFORE), NodeScrape.parse(AFTER));

        assertEquals(3, step.gcPauses(), "two minor and one major pause, whatever their labels");
        assertEquals(50.0, step.gcPauseMillis(), 1e-9);
        assertEquals(30.0, step.gcPauseMaxMillis(), 1e-9, "the longest the node still reports");
        assertEquals(50.0, step.decodeMicros(), 1e-9, "0.2 ms over 4 publications");
        assertEquals(1000.0, step.handoffMicros(), 1e-9, "2 ms over 2 drains");
        assertEquals(10_000.0, step.writtenMicros(), 1e-9, "40 ms over 4 publications");
        assertEquals(4.0, step.perDrain(), 1e-9, "8 publications written by 2 tasks");
        assertEquals(0.5, step.flushesPerPush(), 1e-9, "2,000 flushes for 4,000 fan-out pushes, not the welcomes");
        assertEquals(100.0, step.bytesPerPush(), 1e-9, "400,000 bytes sent for 4,000 fan-out pushes");
        assertEquals("gc_pauses=3 gc_pause_ms=50 gc_pause_max_ms=30 decode_us=50 handoff_us=1000 written_us=10000 "
                + "pubs_per_drain=4.00 flushes_per_delivery=0.50 bytes_per_delivery=100", step.resultFields());
    }

    @Test
    void withoutAReadingThereIsNoStep() {
        assertNull(NodeStages.between(null, NodeScrape.parse(AFTER)), "the yardstick serves no metrics");
        assertNull(NodeStages.readOrNull(null));
    }
}
