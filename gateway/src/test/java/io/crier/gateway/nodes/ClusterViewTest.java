package io.crier.gateway.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.ManualClock;
import io.crier.gateway.config.ConfigLoader;
import io.crier.protocol.NodeInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cluster view of a node alone (in-memory registry): it lists itself, live, until it withdraws. */
class ClusterViewTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong connections = new AtomicLong();
    private final ClusterView view = new ClusterView(new ConfigLoader().load(null, Map.of(
            "CRIER_NODE_ID", "solo-1", "CRIER_CLUSTER_NODE_LEASE", "3s",
            "CRIER_CLUSTER_NODE_REFRESH_INTERVAL", "1s")), null, clock, meters);

    @AfterEach
    void tearDown() {
        view.close();
        scheduler.shutdownNow();
    }

    @Test
    void listsNothingBeforeItStarts() throws Exception {
        assertEquals(List.of(), nodes());
    }

    @Test
    void listsItselfWithItsLiveConnectionCountUptimeStartAndVersion() throws Exception {
        view.start("10.0.0.5:8080", connections::get, scheduler);
        connections.set(3);
        clock.advance(Duration.ofSeconds(90));

        NodeInfo self = nodes().get(0);
        assertEquals(new NodeInfo("solo-1", "10.0.0.5:8080", 3, START, NodeVersion.of(ClusterView.class)), self);
        assertEquals(Instant.parse("2026-01-01T00:01:30Z"), view.now());
        connections.set(5);
        assertEquals(5, nodes().get(0).connections(), "its own count is read at each call, not at each refresh");
    }

    @Test
    void staysListedPastItsLeaseBecauseItIsTheNodeAnswering() throws Exception {
        view.start("h:1", connections::get, scheduler);
        clock.advance(Duration.ofMinutes(5));

        assertEquals(List.of("solo-1"), nodes().stream().map(NodeInfo::id).toList());
    }

    @Test
    void withdrawRemovesItAtOnceAndForGood() throws Exception {
        view.start("h:1", connections::get, scheduler);

        view.withdraw().toCompletableFuture().get(5, TimeUnit.SECONDS);
        view.withdraw().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertEquals(List.of(), nodes());
    }

    @Test
    void countsAnnouncesByResult() {
        view.start("h:1", connections::get, scheduler);

        assertEquals(1.0, meters.counter("crier.nodes.refreshes", "result", "ok").count());
        assertEquals(0.0, meters.counter("crier.nodes.refreshes", "result", "failed").count());
    }

    @Test
    void startsOnlyOnce() {
        view.start("h:1", connections::get, scheduler);

        assertThrows(IllegalStateException.class, () -> view.start("h:1", connections::get, scheduler));
    }

    @Test
    void versionIsTheBuildsProjectVersionOrDev() {
        String version = NodeVersion.of(ClusterView.class);
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+[A-Za-z0-9.-]*") || version.equals(NodeVersion.UNKNOWN), version);
        assertEquals(NodeVersion.UNKNOWN, NodeVersion.of(String.class), "the JDK's classes carry no Crier version");
    }

    private List<NodeInfo> nodes() throws Exception {
        return view.nodes().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
