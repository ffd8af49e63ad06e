package io.crier.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class NodeProbeTest {

    @Test
    void machineTicksAreTheCpuLineSumAndItWithoutIdleAndIowait() {
        String stat = "cpu  100 5 50 800 20 0 3 0 0 0\ncpu0 50 2 25 400 10 0 1 0 0 0\nintr 12345\n";
        // total 100+5+50+800+20+0+3 = 978; idle 800 and iowait 20 are not busy
        assertArrayEquals(new long[] {158, 978}, NodeProbe.machineTicks(stat));
    }

    @Test
    void machineTicksAreNullWithoutTheMachinesCpuLine() {
        assertNull(NodeProbe.machineTicks("cpu0 50 2 25 400 10 0 1\n"));
        assertNull(NodeProbe.machineTicks("cpu 1 2\n"));
        assertNull(NodeProbe.machineTicks(""));
    }
}
