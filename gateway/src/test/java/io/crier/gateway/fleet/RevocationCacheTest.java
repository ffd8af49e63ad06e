package io.crier.gateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.Revocation;
import io.crier.cluster.RevocationSet.Verdict;
import io.crier.cluster.memory.InMemoryRevocationStore;
import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** This node's copy of the revocations: what a reload brings, and what it must not undo. */
class RevocationCacheTest {

    private static final Instant NOW = Instant.now();

    private final InMemoryRevocationStore store = new InMemoryRevocationStore();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RevocationCache cache = new RevocationCache(store, Clock.systemUTC(), meters);

    @Test
    void aReloadBringsWhatOtherNodesStoredAndRunsTheCallback() throws Exception {
        int[] reloaded = {0};
        cache.onReloaded(() -> reloaded[0]++);
        store.apply(new Revocation.Block("alice", NOW.plusSeconds(60)), NOW);
        assertEquals(Verdict.NONE, cache.check(user("alice")));
        assertFalse(cache.loaded());

        cache.reload().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertEquals(Verdict.BLOCKED, cache.check(user("alice")));
        assertEquals(1, reloaded[0]);
        assertTrue(cache.loaded());
        assertEquals(1.0, meters.counter("crier.fleet.revocation.reloads", "result", "ok").count());
        assertEquals(1.0, meters.get("crier.fleet.revocations").gauge().value());
    }

    @Test
    void aRevocationAppliedHereIsCheckedAtOnceAndAnonymousSessionsAreNeverHit() {
        cache.apply(new Revocation.OlderTokens("", NOW.plusSeconds(60), NOW.plusSeconds(120)));
        cache.apply(new Revocation.Block("bob", NOW.plusSeconds(60)));

        assertEquals(Verdict.BLOCKED, cache.check(user("bob")));
        assertEquals(Verdict.NONE, cache.check(User.ANONYMOUS));
    }

    private static User user(String id) {
        return new User(id, TopicPatterns.NONE, TopicPatterns.NONE, Instant.MAX, null, List.of(), null, NOW);
    }
}
