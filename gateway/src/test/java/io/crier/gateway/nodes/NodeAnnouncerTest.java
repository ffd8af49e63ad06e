package io.crier.gateway.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.cluster.ManualClock;
import io.crier.cluster.memory.InMemoryNodeRegistry;
import io.crier.protocol.NodeInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One node's record in a registry shared with another node's, on a manual clock. */
class NodeAnnouncerTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(15);

    private final ManualClock clock = new ManualClock(START);
    private final InMemoryNodeRegistry registry = new InMemoryNodeRegistry(LEASE, clock);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicLong connections = new AtomicLong();
    private final NodeAnnouncer announcer = announcer("n1");

    @AfterEach
    void tearDown() {
        registry.close();
    }

    @Test
    void refreshCarriesTheCurrentConnectionCount() throws Exception {
        get(announcer.announce());
        connections.set(7);

        get(announcer.refresh());

        assertEquals(List.of(new NodeInfo("n1", "h:1", 7, START, "1.2.3")), get(registry.list()));
    }

    @Test
    void refreshesKeepTheNodeAliveAndItLapsesOneLeaseAfterTheLast() throws Exception {
        get(announcer.announce());
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(5));
            get(announcer.refresh());
        }
        assertEquals(1, get(registry.list()).size());

        clock.advance(LEASE);

        assertEquals(List.of(), get(registry.list()));
    }

    @Test
    void afterWithdrawNothingIsWrittenAgain() throws Exception {
        NodeAnnouncer other = announcer("n2");
        get(announcer.announce());
        get(other.announce());

        get(announcer.withdraw());
        get(announcer.refresh());
        get(announcer.announce());

        assertEquals(List.of("n2"), get(registry.list()).stream().map(NodeInfo::id).toList());
    }

    @Test
    void aNegativeCountFromTheSourceIsReportedAsZero() {
        connections.set(-1);

        assertEquals(0, announcer.current().connections());
    }

    @Test
    void failedRefreshesAreCounted() throws Exception {
        get(announcer.announce());
        registry.close();

        announcer.refresh();

        assertEquals(1.0, meters.counter("crier.nodes.refreshes", "result", "ok").count());
        assertEquals(1.0, meters.counter("crier.nodes.refreshes", "result", "failed").count());
    }

    private NodeAnnouncer announcer(String id) {
        return new NodeAnnouncer(registry, new NodeInfo(id, "h:1", 0, START, "1.2.3"), connections::get,
                meters.counter("crier.nodes.refreshes", "result", "ok"),
                meters.counter("crier.nodes.refreshes", "result", "failed"));
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
