package io.crier.gateway.presence;

import static io.crier.gateway.presence.PresenceFixture.GRACE;
import static io.crier.gateway.presence.PresenceFixture.REFRESH;
import static io.crier.gateway.presence.PresenceFixture.TTL;
import static io.crier.gateway.presence.PresenceFixture.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.crier.cluster.PresenceCount;
import io.crier.cluster.PresenceEntry;
import io.crier.gateway.auth.User;
import io.crier.gateway.session.Session;
import io.crier.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PresenceTrackerTest {

    private static final User ALICE = user("alice", "{\"name\":\"Alice\"}");
    private static final User BOB = user("bob", null);

    private PresenceFixture node = new PresenceFixture();

    @AfterEach
    void closeNode() {
        node.close();
    }

    @Test
    void subscribeAddsTheSessionWithUserNodeAndInfo() throws Exception {
        assertInstanceOf(Reply.Ok.class, node.subscribe(node.session("n1-1", ALICE), "chat:room"));

        assertEquals(List.of("n1-1|alice|n1|{\"name\":\"Alice\"}"), stored("chat:room"));
        assertEquals(1, node.tracker.trackedSessions());
    }

    @Test
    void topicsWithoutPresenceOrJoinLeaveAreNotTracked() throws Exception {
        node.subscribe(node.session("n1-1", ALICE), "plain");

        assertEquals(List.of(), stored("plain"));
        assertEquals(0, node.tracker.trackedSessions());
    }

    @Test
    void joinIsPushedToTheTopicsLiveSubscribers() throws Exception {
        node.subscribe(node.session("n1-1", BOB), "chat:room");

        node.subscribe(node.session("n1-2", ALICE), "chat:room");

        assertEquals(List.of(
                "{\"type\":\"join\",\"topic\":\"chat:room\",\"user\":\"alice\",\"session\":\"n1-2\"} -> [n1-1]"),
                node.presencePushes());
    }

    @Test
    void namespaceWithoutJoinLeaveGetsNoPushes() throws Exception {
        Session bob = node.session("n1-1", BOB);
        node.subscribe(bob, "quiet:room");
        Session alice = node.session("n1-2", ALICE);
        node.subscribe(alice, "quiet:room");
        alice.close();
        node.advance(GRACE);

        assertEquals(List.of(), node.presencePushes());
        assertEquals(List.of("n1-1|bob|n1|null"), stored("quiet:room"));
    }

    @Test
    void leaveIsPushedAndTheEntryRemovedOnlyWhenTheGraceEnds() throws Exception {
        node.subscribe(node.session("n1-1", BOB), "chat:room");
        Session alice = node.session("n1-2", ALICE);
        node.subscribe(alice, "chat:room");
        node.fanout.clear();

        node.unsubscribe(alice, "chat:room");
        node.advance(GRACE.minusMillis(1));
        assertEquals(List.of(), node.presencePushes());
        assertEquals(2, stored("chat:room").size());

        node.advance(Duration.ofMillis(1));
        assertEquals(List.of(
                "{\"type\":\"leave\",\"topic\":\"chat:room\",\"user\":\"alice\",\"session\":\"n1-2\"} -> [n1-1]"),
                node.presencePushes());
        assertEquals(List.of("n1-1|bob|n1|null"), stored("chat:room"));
    }

    @Test
    void reconnectOfTheSameUserWithinTheGraceProducesNeitherLeaveNorJoin() throws Exception {
        node.subscribe(node.session("n1-1", BOB), "chat:room");
        Session first = node.session("n1-2", ALICE);
        node.subscribe(first, "chat:room");
        node.fanout.clear();

        first.close();
        node.advance(GRACE.dividedBy(2));
        node.subscribe(node.session("n1-3", ALICE), "chat:room");
        node.advance(GRACE.multipliedBy(2));

        assertEquals(List.of(), node.presencePushes());
        assertEquals(List.of("n1-1|bob|n1|null", "n1-3|alice|n1|{\"name\":\"Alice\"}"), stored("chat:room"));
        assertEquals(2, node.tracker.trackedSessions());
    }

    @Test
    void oneRejoinTakesOverOneLeavingSessionOfThatUser() throws Exception {
        node.subscribe(node.session("n1-1", BOB), "chat:room");
        Session tab1 = node.session("n1-2", ALICE);
        Session tab2 = node.session("n1-3", ALICE);
        node.subscribe(tab1, "chat:room");
        node.subscribe(tab2, "chat:room");
        node.fanout.clear();

        tab1.close();
        tab2.close();
        node.subscribe(node.session("n1-4", ALICE), "chat:room");
        node.advance(GRACE);

        assertEquals(List.of(
                "{\"type\":\"leave\",\"topic\":\"chat:room\",\"user\":\"alice\",\"session\":\"n1-3\"} -> [n1-1, n1-4]"),
                node.presencePushes());
        assertEquals(new PresenceCount(2, 2), node.store.count("chat:room").toCompletableFuture().get());
    }

    @Test
    void anonymousSessionsAreNeverTakenOver() throws Exception {
        node.subscribe(node.session("n1-1", BOB), "chat:room");
        Session first = node.session("n1-2", User.ANONYMOUS);
        node.subscribe(first, "chat:room");
        node.fanout.clear();

        first.close();
        node.subscribe(node.session("n1-3", User.ANONYMOUS), "chat:room");
        node.advance(GRACE);

        assertEquals(List.of(
                "{\"type\":\"join\",\"topic\":\"chat:room\",\"user\":\"\",\"session\":\"n1-3\"} -> [n1-1]",
                "{\"type\":\"leave\",\"topic\":\"chat:room\",\"user\":\"\",\"session\":\"n1-2\"} -> [n1-1, n1-3]"),
                node.presencePushes());
    }

    @Test
    void resubscribingWithinItsOwnGraceKeepsTheSessionWithoutEvents() throws Exception {
        node.subscribe(node.session("n1-1", BOB), "chat:room");
        Session anonymous = node.session("n1-2", User.ANONYMOUS);
        node.subscribe(anonymous, "chat:room");
        node.fanout.clear();

        node.unsubscribe(anonymous, "chat:room");
        node.subscribe(anonymous, "chat:room");
        node.advance(GRACE.multipliedBy(2));

        assertEquals(List.of(), node.presencePushes());
        assertEquals(List.of("n1-1|bob|n1|null", "n1-2||n1|null"), stored("chat:room"));
    }

    @Test
    void withoutGraceTheLeaveIsImmediate() throws Exception {
        node.close();
        node = new PresenceFixture(Duration.ZERO);
        node.subscribe(node.session("n1-1", BOB), "events:room");
        Session alice = node.session("n1-2", ALICE);
        node.subscribe(alice, "events:room");
        node.fanout.clear();

        alice.close();

        assertEquals(List.of(
                "{\"type\":\"leave\",\"topic\":\"events:room\",\"user\":\"alice\",\"session\":\"n1-2\"} -> [n1-1]"),
                node.presencePushes());
        assertEquals(List.of(), stored("events:room"));
    }

    @Test
    void heartbeatKeepsEntriesAliveLongPastTheirLease() throws Exception {
        node.subscribe(node.session("n1-1", ALICE), "chat:room");

        for (Duration passed = Duration.ZERO; passed.compareTo(TTL.multipliedBy(3)) < 0; passed = passed.plus(REFRESH)) {
            node.advance(REFRESH);
        }

        assertEquals(1, stored("chat:room").size());
    }

    @Test
    void entriesOfANodeThatStopsRefreshingLapseWithinTheLease() throws Exception {
        node.subscribe(node.session("n1-1", ALICE), "chat:room");
        node.advance(REFRESH);

        // The node "dies": its scheduler runs nothing more, only the store's clock goes on.
        node.clock.advance(TTL.minusMillis(1));
        assertEquals(1, stored("chat:room").size());
        node.clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(), stored("chat:room"));
    }

    @Test
    void entriesWithinTheirGraceAreStillRefreshed() throws Exception {
        node.close();
        node = new PresenceFixture(Duration.ofSeconds(45));
        Session alice = node.session("n1-1", ALICE);
        node.subscribe(alice, "chat:room");

        alice.close();
        node.advance(Duration.ofSeconds(40));

        assertEquals(1, stored("chat:room").size());
    }

    @Test
    void closeEndsEveryGraceAtOnce() throws Exception {
        node.subscribe(node.session("n1-1", BOB), "chat:room");
        Session alice = node.session("n1-2", ALICE);
        node.subscribe(alice, "chat:room");
        node.fanout.clear();
        alice.close();

        node.tracker.close();

        assertEquals(List.of(
                "{\"type\":\"leave\",\"topic\":\"chat:room\",\"user\":\"alice\",\"session\":\"n1-2\"} -> [n1-1]"),
                node.presencePushes());
        assertEquals(List.of("n1-1|bob|n1|null"), stored("chat:room"));
        assertEquals(0, node.scheduler.pendingTasks());
    }

    @Test
    void anUnsubscribeOfAnotherSubscriptionIsIgnored() throws Exception {
        Session alice = node.session("n1-1", ALICE);
        node.subscribe(alice, "chat:room");

        node.tracker.unsubscribed(alice, "chat:room", new Object());
        node.advance(GRACE);

        assertEquals(1, stored("chat:room").size());
    }

    private List<String> stored(String topic) throws Exception {
        List<PresenceEntry> entries = node.store.list(topic, 100).toCompletableFuture().get(5, TimeUnit.SECONDS);
        return entries.stream().map(e -> e.sessionId() + "|" + e.user() + "|" + e.node() + "|"
                + (e.info() == null ? "null" : new String(e.info(), StandardCharsets.UTF_8))).sorted().toList();
    }
}
