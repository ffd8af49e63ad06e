package io.crier.gateway.hub;

import static io.crier.gateway.hub.HistoryFixture.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.HistoryStore;
import io.crier.protocol.CommandId;
import io.crier.protocol.Position;
import io.crier.protocol.Reply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HubRecoveryTest {

    private final HistoryFixture node = new HistoryFixture(50);
    private final TestSubscriber alice = new TestSubscriber("s-alice");
    private final TestSubscriber bob = new TestSubscriber("s-bob");

    @AfterEach
    void close() {
        node.close();
    }

    @Test
    void messagesOfTopicsWithHistoryCarryTheirOffsetAndEpoch() throws Exception {
        Subscription subscription = node.subscribeLive("rec-pos", alice, null);
        assertEquals(new Position(0, HistoryStore.NO_EPOCH), subscription.position());
        assertFalse(subscription.recovered());

        Position first = node.publish("rec-pos", 1);

        assertEquals(1, first.offset());
        assertEquals(List.of("{\"type\":\"message\",\"topic\":\"rec-pos\",\"offset\":1,\"epoch\":\"" + first.epoch()
                + "\",\"data\":{\"n\":1}}"), node.fanout.deliveries().stream().map(d -> d.text()).toList());
    }

    @Test
    void topicsWithoutHistoryKeepThePlainPathAndIgnoreSince() throws Exception {
        Subscription subscription = node.subscribeLive("plain:news", alice, new Position(3, "abc"));

        assertNull(subscription.position());
        assertNull(node.publish("plain:news", 1));
        assertEquals("{\"type\":\"message\",\"topic\":\"plain:news\",\"data\":{\"n\":1}}",
                node.fanout.deliveries().get(0).text());
    }

    @Test
    void recoveryReplaysExactlyTheMissedPublicationsAfterActivationThenGoesLive() throws Exception {
        Position fifth = node.publishRange("rec-valid", 1, 5);

        Subscription subscription = node.subscribe("rec-valid", alice, new Position(2, fifth.epoch()));
        assertTrue(subscription.recovered());
        assertEquals(fifth, subscription.position());
        assertEquals(List.of(), node.offsets(alice), "nothing is written before the reply");

        node.hub.activate(subscription);
        node.publish("rec-valid", 6);

        node.assertOffsets(range(3, 6), alice);
        assertEquals(1.0, node.count("crier.hub.recoveries", "recovered"));
    }

    @Test
    void publicationsArrivingDuringTheReadAreHeldAndFollowTheReplayOnce() throws Exception {
        Position third = node.publishRange("rec-during", 1, 3);
        node.store.hold(); // the read runs now (sees 3), its answer comes late
        CompletableFuture<Subscription> stage =
                node.hub.subscribe("rec-during", alice, new Position(1, third.epoch())).toCompletableFuture();

        node.publishRange("rec-during", 4, 6);
        assertFalse(stage.isDone());
        node.store.releaseAll();
        Subscription subscription = stage.get(5, TimeUnit.SECONDS);
        assertEquals(3, subscription.position().offset());
        assertEquals(List.of(), node.offsets(alice));
        node.hub.activate(subscription);
        node.publish("rec-during", 7);

        node.assertOffsets(range(2, 7), alice);
    }

    @Test
    void aReadThatSawNoHistoryGoesLiveWithTheFirstPublicationOfAnEpochThatCameMeanwhile() throws Exception {
        // The read runs before the topic's first publication (it sees no epoch: offset 0 of "-"), and that
        // publication reaches the hub before the read's answer: it starts the stream the read saw empty, so the
        // session goes live with it instead of waiting for a publication of "-" that never comes (and being
        // evicted by the next one, which it would then miss).
        node.store.hold();
        CompletableFuture<Subscription> stage = node.hub.subscribe("rec-empty", alice, null).toCompletableFuture();
        Position first = node.publish("rec-empty", 1);
        node.store.releaseAll();
        Subscription subscription = stage.get(5, TimeUnit.SECONDS);
        assertEquals(new Position(0, HistoryStore.NO_EPOCH), subscription.position());

        node.hub.activate(subscription);
        node.publish("rec-empty", 2);

        node.assertOffsets(range(1, 2), alice);
        assertEquals(List.of(), node.evictor.evicted());
        assertEquals(1, first.offset());
    }

    @Test
    void publicationsBothReadAndHeldAreWrittenOnlyOnce() throws Exception {
        Position third = node.publishRange("rec-dup", 1, 3);
        node.store.holdReads(); // the read runs late: it also sees what is held meanwhile
        CompletableFuture<Subscription> stage =
                node.hub.subscribe("rec-dup", alice, new Position(1, third.epoch())).toCompletableFuture();

        node.publishRange("rec-dup", 4, 6);
        node.store.releaseAll();
        Subscription subscription = stage.get(5, TimeUnit.SECONDS);
        assertEquals(6, subscription.position().offset());
        node.hub.activate(subscription);
        node.publish("rec-dup", 7);

        node.assertOffsets(range(2, 7), alice);
    }

    @Test
    void anotherEpochAnswersNotRecoveredWithTheCurrentPositionAndReplaysNothing() throws Exception {
        Position fifth = node.publishRange("rec-epoch", 1, 5);

        Subscription subscription = node.subscribeLive("rec-epoch", alice, new Position(2, "gone"));
        node.publish("rec-epoch", 6);

        assertFalse(subscription.recovered());
        assertEquals(fifth, subscription.position());
        node.assertOffsets(List.of(6L), alice);
        assertEquals(1.0, node.count("crier.hub.recoveries", "not_recovered"));
    }

    @Test
    void aGapOlderThanTheHistoryAnswersNotRecovered() throws Exception {
        Position tenth = node.publishRange("short:rec", 1, 10); // the history keeps 8..10

        Subscription subscription = node.subscribeLive("short:rec", alice, new Position(5, tenth.epoch()));

        assertFalse(subscription.recovered());
        assertEquals(tenth, subscription.position());
        assertEquals(List.of(), node.offsets(alice));
    }

    @Test
    void aGapLongerThanTheReplayLimitAnswersNotRecovered() throws Exception {
        Position last = node.publishRange("rec-long", 1, 60); // maxPublications is 50

        Subscription subscription = node.subscribeLive("rec-long", alice, new Position(5, last.epoch()));
        node.publish("rec-long", 61);

        assertFalse(subscription.recovered());
        assertEquals(last, subscription.position());
        node.assertOffsets(List.of(61L), alice);
    }

    @Test
    void aSessionWhoseHeldPublicationsPassTheBoundIsEvicted() throws Exception {
        node.subscribeLive("rec-bound", bob, null);
        node.store.hold();
        CompletableFuture<Subscription> stage = node.hub.subscribe("rec-bound", alice, null).toCompletableFuture();

        node.publishRange("rec-bound", 1, 51);

        assertEquals(List.of(alice), node.evictor.evicted());
        node.store.releaseAll();
        node.hub.activate(stage.get(5, TimeUnit.SECONDS));
        node.publish("rec-bound", 52);
        assertEquals(List.of(), node.offsets(alice), "an evicted session gets nothing more");
        node.assertOffsets(range(1, 52), bob);
    }

    @Test
    void unsubscribingDuringRecoveryWritesNothing() throws Exception {
        Position second = node.publishRange("rec-leave", 1, 2);
        node.store.hold();
        CompletableFuture<Subscription> stage =
                node.hub.subscribe("rec-leave", alice, new Position(0, second.epoch())).toCompletableFuture();

        node.hub.unsubscribe("rec-leave", alice);
        node.publish("rec-leave", 3);
        node.store.releaseAll();
        node.hub.activate(stage.get(5, TimeUnit.SECONDS));

        assertEquals(List.of(), node.offsets(alice));
        assertEquals(0, node.hub.topicCount());
    }

    @Test
    void twoSessionsRecoveringAtOnceGetEachTheirOwnReplay() throws Exception {
        Position fifth = node.publishRange("rec-two", 1, 5);
        node.store.hold();
        CompletableFuture<Subscription> first =
                node.hub.subscribe("rec-two", alice, new Position(1, fifth.epoch())).toCompletableFuture();
        CompletableFuture<Subscription> second =
                node.hub.subscribe("rec-two", bob, new Position(4, fifth.epoch())).toCompletableFuture();

        node.publish("rec-two", 6);
        node.store.releaseAll();
        node.hub.activate(second.get(5, TimeUnit.SECONDS));
        node.publish("rec-two", 7);
        node.hub.activate(first.get(5, TimeUnit.SECONDS));
        node.publish("rec-two", 8);

        node.assertOffsets(range(2, 8), alice);
        node.assertOffsets(range(5, 8), bob);
    }

    @Test
    void aPlainSubscribeStartsAtTheCurrentPositionWithNoGap() throws Exception {
        node.publishRange("rec-plain", 1, 4);
        node.store.hold();
        CompletableFuture<Subscription> stage = node.hub.subscribe("rec-plain", alice, null).toCompletableFuture();

        node.publish("rec-plain", 5);
        node.store.releaseAll();
        Subscription subscription = stage.get(5, TimeUnit.SECONDS);
        node.hub.activate(subscription);
        node.publish("rec-plain", 6);

        assertEquals(4, subscription.position().offset());
        node.assertOffsets(range(5, 6), alice);
    }

    @Test
    void clientPublicationsGoThroughTheHistoryStoreAndAnswerTheirPosition() throws Exception {
        Position first = node.publish("rec-store", 1);
        Position second = node.publish("rec-store", 2);

        assertEquals(new Position(2, first.epoch()), second);
        assertTrue(node.hub.hasHistory("rec-store"));
        assertFalse(node.hub.hasHistory("plain:x"));
    }

    @Test
    void theHistoryCommandReadsAPageAndSaysWhenItIsIncomplete() throws Exception {
        Position fifth = node.publishRange("rec-page", 1, 5);

        Reply.HistoryPage page = node.hub.history(CommandId.of(9), "rec-page", new Position(2, fifth.epoch()), 2)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        Reply.HistoryPage otherEpoch = node.hub.history(CommandId.of(10), "rec-page", new Position(4, "old"), 10)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertEquals(List.of(3L, 4L), page.publications().stream().map(Reply.HistoryItem::offset).toList());
        assertEquals("{\"n\":3}", page.publications().get(0).data().text());
        assertEquals(fifth, page.position());
        assertTrue(page.complete());
        assertEquals(range(1, 5), otherEpoch.publications().stream().map(Reply.HistoryItem::offset).toList());
        assertFalse(otherEpoch.complete(), "what lay between the old epoch and this one is lost");
    }
}
