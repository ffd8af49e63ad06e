package io.crier.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.NodeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link NodeRegistry} contract, run against every implementation: one subclass per registry provides
 * {@link #newRegistry} (registries made with the same namespace see each other; different namespaces are
 * separate fleets, so tests may share a backend), its lease ({@link #lease()}) and how time passes
 * ({@link #advance}: a manual clock moves, real time just runs).
 */
public abstract class NodeRegistryContract {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Instant STARTED = Instant.parse("2026-01-01T00:00:00Z");

    private final List<NodeRegistry> registries = new ArrayList<>();
    private String namespace;

    /** A new registry with lease {@code lease} in fleet {@code namespace}, ready to use; the suite closes it. */
    protected abstract NodeRegistry newRegistry(Duration lease, String namespace);

    /** The lease the tests use: short where time is real. */
    protected abstract Duration lease();

    /** Lets {@code time} pass for the leases (a manual clock moves; a real one needs nothing). */
    protected abstract void advance(Duration time);

    @BeforeEach
    void pickNamespace() {
        namespace = "nodes-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    @AfterEach
    void closeRegistries() {
        registries.forEach(NodeRegistry::close);
        registries.clear();
    }

    /** A new registry of this test's fleet, closed after the test. */
    protected NodeRegistry registry() {
        NodeRegistry registry = newRegistry(lease(), namespace);
        registries.add(registry);
        return registry;
    }

    @Test
    void listsAnnouncedNodesSortedByIdWithEveryField() throws Exception {
        NodeRegistry registry = registry();
        complete(registry.announce(node("node-b", 7)));
        complete(registry.announce(node("node-a", 0)));

        assertEquals(List.of(node("node-a", 0), node("node-b", 7)), get(registry.list()));
    }

    @Test
    void everyRegistryOfTheFleetSeesEveryNode() throws Exception {
        NodeRegistry first = registry();
        NodeRegistry second = registry();
        complete(first.announce(node("n1", 1)));
        complete(second.announce(node("n2", 2)));

        assertEquals(List.of(node("n1", 1), node("n2", 2)), get(first.list()));
        assertEquals(get(first.list()), get(second.list()));
    }

    @Test
    void refreshReplacesTheRecord() throws Exception {
        NodeRegistry registry = registry();
        complete(registry.announce(node("n1", 1)));

        complete(registry.refresh(node("n1", 42)));

        assertEquals(List.of(node("n1", 42)), get(registry.list()));
    }

    @Test
    void withdrawnNodeIsGoneAtOnceAndUnknownIdsAreNoError() throws Exception {
        NodeRegistry registry = registry();
        complete(registry.announce(node("n1", 1)));
        complete(registry.announce(node("n2", 2)));

        complete(registry.withdraw("n1"));
        complete(registry.withdraw("never-announced"));

        assertEquals(List.of(node("n2", 2)), get(registry.list()));
    }

    @Test
    void nodeThatStopsRefreshingVanishesWithinTheLeaseWhileRefreshedOnesStay() throws Exception {
        NodeRegistry registry = registry();
        NodeInfo alive = node("alive", 1);
        complete(registry.announce(alive));
        complete(registry.announce(node("crashed", 2)));

        // Each poll is one refresh, a quarter lease apart: "alive" must be listed at every one of them.
        await().atMost(lease().multipliedBy(3).plus(TIMEOUT)).pollInterval(Duration.ofMillis(100)).until(() -> {
            advance(lease().dividedBy(4));
            complete(registry.refresh(alive));
            List<NodeInfo> live = get(registry.list());
            assertTrue(live.contains(alive), "refreshed node missing: " + live);
            return live.size() == 1;
        });
    }

    @Test
    void nodeIsGoneOneLeaseAfterItsLastRefresh() throws Exception {
        NodeRegistry registry = registry();
        complete(registry.announce(node("n1", 1)));

        advance(lease().plusMillis(1));

        await().atMost(lease().plus(TIMEOUT)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(registry.list()).isEmpty());
    }

    @Test
    void refreshAddsBackANodeThatLapsed() throws Exception {
        NodeRegistry registry = registry();
        complete(registry.announce(node("paused", 3)));
        advance(lease().plusMillis(1));
        await().atMost(lease().plus(TIMEOUT)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(registry.list()).isEmpty());

        complete(registry.refresh(node("paused", 4)));

        assertEquals(List.of(node("paused", 4)), get(registry.list()));
    }

    @Test
    void fleetsWithDifferentNamespacesAreSeparate() throws Exception {
        NodeRegistry mine = registry();
        NodeRegistry other = newRegistry(lease(), namespace + "other:");
        registries.add(other);
        complete(mine.announce(node("n1", 1)));

        assertEquals(List.of(), get(other.list()));
    }

    @Test
    void closedRegistryFailsWithUnavailable() {
        NodeRegistry registry = registry();
        registry.close();

        ExecutionException failure = assertThrows(ExecutionException.class, () -> complete(registry.list()));
        assertInstanceOf(BrokerUnavailableException.class, failure.getCause());
        failure = assertThrows(ExecutionException.class, () -> complete(registry.announce(node("n1", 1))));
        assertInstanceOf(BrokerUnavailableException.class, failure.getCause());
    }

    public static NodeInfo node(String id, long connections) {
        return new NodeInfo(id, "127.0.0.1:" + (8000 + id.length()), connections, STARTED, "0.1.0-test");
    }

    public static void complete(CompletionStage<?> stage) throws Exception {
        get(stage);
    }

    public static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
