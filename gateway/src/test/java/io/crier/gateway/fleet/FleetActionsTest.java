package io.crier.gateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.crier.cluster.RevocationSet.Verdict;
import io.crier.cluster.memory.InMemoryControlChannel;
import io.crier.cluster.memory.InMemoryPresenceStore;
import io.crier.cluster.memory.InMemoryRevocationStore;
import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.nodes.ClusterView;
import io.crier.protocol.Close;
import io.crier.protocol.CloseCode;
import io.crier.protocol.FleetAction;
import io.crier.protocol.FleetApiResult;
import io.crier.protocol.PublishApiError;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server API's actions on one node with the in-memory control channel and store: what each action reaches,
 * that every action is idempotent, and that a node whose control channel is gone still acts on its own sessions.
 */
class FleetActionsTest {

    private static final Instant NOW = Instant.now();

    private final CrierConfig config = new ConfigLoader().defaults();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<RecordingSession> sessions = new ArrayList<>();
    private final InMemoryControlChannel control = new InMemoryControlChannel();
    private final List<String> subscribed = new ArrayList<>();
    /** Records what the sessions were asked, as the session-level mechanism would do it. */
    private final ServerSubscriptions subscriptions = new ServerSubscriptions() {
        @Override
        public synchronized boolean subscribe(LiveSession session, String topic) {
            return !subscribed.contains(session.user().tokenId() + ">" + topic)
                    && subscribed.add(session.user().tokenId() + ">" + topic);
        }

        @Override
        public synchronized boolean unsubscribe(LiveSession session, String topic) {
            return subscribed.remove(session.user().tokenId() + ">" + topic);
        }
    };
    private final RevocationCache revocations =
            new RevocationCache(new InMemoryRevocationStore(), Clock.systemUTC(), meters);
    private final FleetActions actions = new FleetActions(
            new FleetParts("n1", config.fleet(), control, new InMemoryRevocationStore(),
                    Clock.systemUTC()),
            new LocalActions(user -> sessions.stream().filter(s -> s.user().id().equals(user))
                    .map(LiveSession.class::cast).toList(), () -> List.copyOf(sessions), subscriptions,
                    revocations, config.fleet().maxTokenLifetime(), Clock.systemUTC(), meters),
            revocations, new FleetReads(new ClusterView(config, null, Clock.systemUTC(), meters),
                    new InMemoryPresenceStore(Duration.ofSeconds(30), Clock.systemUTC()), config.namespaces(), 10,
                    (id, topic, since, limit) -> CompletableFuture.failedFuture(new IllegalStateException("none"))),
            scheduler, meters);

    @AfterEach
    void stop() {
        actions.close();
        scheduler.shutdownNow();
    }

    @Test
    void disconnectReachesTheUsersSessionsOnceAndOnlyThem() throws Exception {
        RecordingSession a1 = session("alice", "j1", NOW);
        RecordingSession a2 = session("alice", "j2", NOW);
        RecordingSession bob = session("bob", "j3", NOW);

        assertEquals(new FleetApiResult.Reached(2, 1), take(new FleetAction.Disconnect("alice", true)));
        assertEquals(new FleetApiResult.Reached(0, 1), take(new FleetAction.Disconnect("alice", true)));

        assertEquals(CloseCode.DISCONNECTED_RECONNECT.close(), a1.closedWith());
        assertEquals(CloseCode.DISCONNECTED_RECONNECT.close(), a2.closedWith());
        assertNull(bob.closedWith());
        assertEquals(2.0, meters.counter("crier.fleet.sessions.reached", "action", "disconnect").count());
        assertEquals(2.0, meters.counter("crier.fleet.actions", "action", "disconnect", "result", "ok").count());
    }

    @Test
    void subscribeAndUnsubscribeReachEachLiveSessionOfTheUserOnce() throws Exception {
        session("frank", "f1", NOW);
        session("frank", "f2", NOW);
        session("grace", "g1", NOW);

        assertEquals(new FleetApiResult.Reached(2, 1), take(new FleetAction.Subscribe("frank", "orders:frank")));
        assertEquals(new FleetApiResult.Reached(0, 1), take(new FleetAction.Subscribe("frank", "orders:frank")));
        assertEquals(List.of("f1>orders:frank", "f2>orders:frank"), subscribed);

        assertEquals(new FleetApiResult.Reached(2, 1), take(new FleetAction.Unsubscribe("frank", "orders:frank")));
        assertEquals(new FleetApiResult.Reached(0, 1), take(new FleetAction.Unsubscribe("frank", "orders:frank")));
        assertEquals(List.of(), subscribed);
    }

    @Test
    void revokeClosesTheSessionsOfThatTokenWhateverTheirUser() throws Exception {
        RecordingSession hit = session("alice", "stolen", NOW);
        RecordingSession other = session("alice", "fine", NOW);

        assertEquals(new FleetApiResult.Reached(1, 1),
                take(new FleetAction.Revoke("stolen", NOW.plusSeconds(600))));

        assertEquals(CloseCode.REVOKED.close(), hit.closedWith());
        assertNull(other.closedWith());
        assertEquals(Verdict.REVOKED, revocations.check(hit.user()));
        assertEquals(new FleetApiResult.Reached(0, 1), take(new FleetAction.Revoke("stolen", NOW.plusSeconds(600))));
    }

    @Test
    void invalidateClosesOlderTokensAndDefaultsToNow() throws Exception {
        RecordingSession old = session("carol", null, NOW.minusSeconds(60));
        RecordingSession fresh = session("carol", null, NOW.plusSeconds(60));

        assertEquals(new FleetApiResult.Reached(1, 1), take(new FleetAction.Invalidate("carol", null)));

        assertEquals(CloseCode.REVOKED.close(), old.closedWith());
        assertNull(fresh.closedWith());
    }

    @Test
    void blockClosesEverySessionOfTheUserUntilUnblocked() throws Exception {
        RecordingSession blocked = session("mallory", "m", NOW);

        assertEquals(new FleetApiResult.Reached(1, 1), take(new FleetAction.Block("mallory", NOW.plusSeconds(600))));
        assertEquals(CloseCode.BLOCKED.close(), blocked.closedWith());
        assertEquals(Verdict.BLOCKED, revocations.check(blocked.user()));

        assertEquals(new FleetApiResult.Reached(0, 1), take(new FleetAction.Unblock("mallory")));
        assertEquals(Verdict.NONE, revocations.check(blocked.user()));
    }

    @Test
    void aRejectedActionFailsAloneInABatch() throws Exception {
        session("dave", null, NOW);
        List<FleetApiResult> results = actions.takeAll(List.of(
                new FleetAction.Rejected(PublishApiError.MISSING_FIELD, "missing field 'user'"),
                new FleetAction.Disconnect("dave", false))).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertEquals(List.of(new FleetApiResult.Failed(PublishApiError.MISSING_FIELD, "missing field 'user'"),
                new FleetApiResult.Reached(1, 1)), results);
    }

    @Test
    void disconnectWithAnApplicationCodeClosesWithExactlyThatCodeAndReason() throws Exception {
        RecordingSession frank = session("frank", null, NOW);

        assertEquals(new FleetApiResult.Reached(1, 1),
                take(new FleetAction.Disconnect("frank", Close.app(4123, "kicked"))));
        assertEquals(new Close(4123, "kicked", true), frank.closedWith());
    }

    @Test
    void withoutItsControlChannelANodeStillActsOnItsOwnSessions() throws Exception {
        RecordingSession erin = session("erin", null, NOW);
        control.close();

        assertEquals(new FleetApiResult.Reached(1, 1), take(new FleetAction.Disconnect("erin", false)));
        assertEquals(CloseCode.DISCONNECTED.close(), erin.closedWith());
    }

    private RecordingSession session(String user, String tokenId, Instant issuedAt) {
        RecordingSession session = new RecordingSession(user, tokenId, issuedAt);
        sessions.add(session);
        return session;
    }

    private FleetApiResult take(FleetAction action) throws Exception {
        return actions.take(action).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
