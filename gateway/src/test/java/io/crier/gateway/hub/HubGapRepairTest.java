package io.crier.gateway.hub;

import static io.crier.gateway.hub.HistoryFixture.range;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.cluster.BrokerState;
import io.crier.protocol.Position;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HubGapRepairTest {

    private final HistoryFixture node = new HistoryFixture(50);
    private final TestSubscriber alice = new TestSubscriber("s-alice");
    private final TestSubscriber bob = new TestSubscriber("s-bob");

    @AfterEach
    void close() {
        node.close();
    }

    @Test
    void aMissedPublicationIsReadBackAndDeliveredBeforeTheNextOne() throws Exception {
        node.subscribeLive("gap-one", alice, null);
        node.subscribeLive("gap-one", bob, null);
        node.publishRange("gap-one", 1, 3);

        node.listener.drop(4);
        node.publishRange("gap-one", 4, 5);

        node.assertOffsets(range(1, 5), alice);
        node.assertOffsets(range(1, 5), bob);
        assertEquals(1.0, node.count("crier.hub.repairs", "filled"));
        // The read also returns 5 (already stored when it ran): it is delivered from the read, the held copy dropped.
        assertEquals(2.0, node.meters.get("crier.hub.repair.publications").counter().count());
        assertEquals(1.0, node.meters.get("crier.hub.publications.stale").counter().count());
        assertEquals(List.of(), node.evictor.evicted());
    }

    @Test
    void publicationsArrivingDuringARepairAreHeldAndFollowTheMissingOnes() throws Exception {
        node.subscribeLive("gap-held", alice, null);
        node.publishRange("gap-held", 1, 2);
        node.listener.drop(3, 4);
        node.store.hold();

        node.publishRange("gap-held", 3, 7);
        node.assertOffsets(range(1, 2), alice);
        node.store.releaseAll();
        node.publish("gap-held", 8);

        node.assertOffsets(range(1, 8), alice);
    }

    @Test
    void theBrokerLinkComingBackRepairsWhatWasPublishedWhileItWasDown() throws Exception {
        node.subscribeLive("gap-link", alice, null);
        node.publishRange("gap-link", 1, 2);

        node.listener.onStateChange(BrokerState.DISCONNECTED);
        node.listener.drop(3, 4);
        node.publishRange("gap-link", 3, 4);
        node.assertOffsets(range(1, 2), alice);
        node.listener.onStateChange(BrokerState.CONNECTED);
        node.publish("gap-link", 5);

        node.assertOffsets(range(1, 5), alice);
        assertEquals(List.of(), node.evictor.evicted());
    }

    @Test
    void aSubscriptionTheBrokerMovedRepairsWhatWasPublishedWhileItMovedAtOnce() throws Exception {
        node.subscribeLive("gap-moved", alice, null);
        node.subscribeLive("gap-still", bob, null);
        node.publishRange("gap-moved", 1, 2);
        node.listener.drop(3, 4);
        node.publishRange("gap-moved", 3, 4); // published while the subscription moved to the slot's new owner
        node.assertOffsets(range(1, 2), alice);

        node.listener.onSubscriptionsRestored(List.of("gap-moved", "gap-never-subscribed"));

        node.assertOffsets(range(1, 4), alice);
        node.assertOffsets(List.of(), bob);
        assertEquals(1.0, node.count("crier.hub.repairs", "filled"));
        assertEquals(List.of(), node.evictor.evicted());
    }

    @Test
    void aGapTheHistoryNoLongerCoversEvictsTheTopicsSessions() throws Exception {
        node.subscribeLive("short:gap", alice, null);
        node.subscribeLive("short:gap", bob, null);
        node.publish("short:gap", 1);

        node.listener.drop(2, 3, 4, 5);
        node.publishRange("short:gap", 2, 6); // the history keeps 4..6: 2 and 3 are gone

        assertEquals(List.of(alice, bob), node.evictor.evicted().stream().sorted(
                (a, b) -> a.sessionId().compareTo(b.sessionId())).toList());
        node.assertOffsets(List.of(1L), alice);
        assertEquals(1.0, node.count("crier.hub.repairs", "failed"));
        assertEquals(0, node.hub.topicCount());
    }

    @Test
    void aNewEpochAfterAnOutageEvictsTheTopicsSessions() throws Exception {
        node.subscribeLive("gap-epoch", alice, null);
        node.publish("gap-epoch", 1);

        node.listener.onStateChange(BrokerState.DISCONNECTED);
        node.clock.advance(HistoryFixture.TTL.plusSeconds(1)); // the history expires: the next publication starts an epoch
        node.listener.onStateChange(BrokerState.CONNECTED);
        node.publish("gap-epoch", 2);

        assertEquals(List.of(alice), node.evictor.evicted());
        node.assertOffsets(List.of(1L), alice);
    }

    @Test
    void aNewEpochWhileTheLinkStayedUpGoesOnWithoutEvicting() throws Exception {
        node.subscribeLive("gap-quiet", alice, null);
        Position first = node.publish("gap-quiet", 1);

        node.clock.advance(HistoryFixture.TTL.plusSeconds(1));
        Position next = node.publish("gap-quiet", 2);

        assertEquals(1, next.offset());
        assertEquals(false, next.epoch().equals(first.epoch()));
        node.assertOffsets(List.of(1L, 1L), alice);
        assertEquals(List.of(), node.evictor.evicted());
    }

    @Test
    void aDuplicatedPublicationIsDeliveredOnce() throws Exception {
        node.subscribeLive("gap-dup", alice, null);
        node.listener.duplicate();

        node.publishRange("gap-dup", 1, 3);

        node.assertOffsets(range(1, 3), alice);
        assertEquals(3.0, node.meters.get("crier.hub.publications.stale").counter().count());
    }

    @Test
    void aRepairWhoseReadsKeepFailingWhileConnectedEvictsAfterTheRetries() throws Exception {
        node.subscribeLive("gap-fail", alice, null);
        node.publish("gap-fail", 1);
        node.listener.drop(2);
        node.store.failReads(true);

        node.publishRange("gap-fail", 2, 3);
        for (int i = 1; i < GapRepair.MAX_FAILED_READS; i++) {
            assertEquals(List.of(), node.evictor.evicted(), "retrying, read " + i + " failed");
            node.scheduler.advance(GapRepair.RETRY_DELAY);
        }

        assertEquals(List.of(alice), node.evictor.evicted());
        node.assertOffsets(List.of(1L), alice);
    }

    @Test
    void aRepairReadFailingDuringAnOutageWaitsForTheLinkWithoutEvicting() throws Exception {
        node.subscribeLive("gap-wait", alice, null);
        node.publish("gap-wait", 1);
        node.listener.drop(2);
        node.store.holdReads();
        node.publishRange("gap-wait", 2, 3);

        node.listener.onStateChange(BrokerState.DISCONNECTED);
        node.store.failReads(true);
        node.store.releaseAll();
        node.scheduler.advance(GapRepair.RETRY_DELAY.multipliedBy(GapRepair.MAX_FAILED_READS * 2L));
        node.store.failReads(false);
        node.listener.onStateChange(BrokerState.CONNECTED);
        node.publish("gap-wait", 4);

        node.assertOffsets(range(1, 4), alice);
        assertEquals(List.of(), node.evictor.evicted());
        assertEquals(0, node.scheduler.pendingTasks());
    }
}
