package io.crier.gateway.hub;

import static io.crier.gateway.hub.HistoryFixture.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.BrokerState;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.StoredPublication;
import io.crier.cluster.StreamPosition;
import io.crier.protocol.CommandId;
import io.crier.protocol.Position;
import io.crier.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub across a fork of a topic's history, as Redis makes one after a failover (or a restart): the new epoch
 * continues the old one's offsets from what the promoted replica had. The store's reads are scripted to answer
 * what such a Redis answers, and the new epoch's publications come through the broker as Redis sends them.
 */
class HubForkTest {

    private static final String FORKED = "E2fork";

    private final HistoryFixture node = new HistoryFixture(50);
    private final TestSubscriber alice = new TestSubscriber("s-alice");

    @AfterEach
    void close() {
        node.close();
    }

    @Test
    void aForkThatContinuesWhatTheSessionsSawIsFollowedWithoutEvicting() throws Exception {
        node.subscribeLive("fork-follow", alice, null);
        Position third = node.publishRange("fork-follow", 1, 3);

        failOver("fork-follow", third, 5);

        node.assertOffsets(range(1, 5), alice);
        assertEquals(List.of(), node.evictor.evicted());
        assertEquals(1.0, node.count("crier.hub.repairs", "filled"));
    }

    @Test
    void aForkBehindWhatTheSessionsSawEvictsThem() throws Exception {
        node.subscribeLive("fork-behind", alice, null);
        Position fifth = node.publishRange("fork-behind", 1, 5);

        // The promoted replica had only 1..3: the 4 and 5 alice saw are lost, and their offsets given again.
        failOver("fork-behind", new Position(3, fifth.epoch()), 4);

        assertEquals(List.of(alice), node.evictor.evicted());
        node.assertOffsets(range(1, 5), alice);
    }

    @Test
    void theLinkComingBackAfterAFailoverRepairsAcrossTheFork() throws Exception {
        node.subscribeLive("fork-link", alice, null);
        Position third = node.publishRange("fork-link", 1, 3);

        node.listener.onStateChange(BrokerState.DISCONNECTED);
        node.store.answerReads("fork-link", forked(third, 5));
        node.listener.onStateChange(BrokerState.CONNECTED);
        liveInForkedEpoch("fork-link", 6);

        node.assertOffsets(range(1, 6), alice);
        assertEquals(List.of(), node.evictor.evicted());
    }

    @Test
    void aResubscribeFromThePartTheForkContinuesRecoversAndOneFromBeyondItDoesNot() throws Exception {
        Position third = node.publishRange("fork-resume", 1, 3);
        node.store.answerReads("fork-resume", forked(third, 5));

        Subscription continued = node.subscribeLive("fork-resume", alice, third);
        Subscription beyond = node.subscribe("fork-resume", new TestSubscriber("s-bob"),
                new Position(4, third.epoch()));

        assertTrue(continued.recovered());
        assertEquals(new Position(5, FORKED), continued.position());
        node.assertOffsets(range(4, 5), alice);
        assertFalse(beyond.recovered());
    }

    @Test
    void theHistoryCommandReadsOnAcrossTheFork() throws Exception {
        Position third = node.publishRange("fork-page", 1, 3);
        node.store.answerReads("fork-page", forked(third, 5));

        Reply.HistoryPage page = node.hub.history(CommandId.of(1), "fork-page", third, 10)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertTrue(page.complete());
        assertEquals(List.of(4L, 5L), page.publications().stream().map(Reply.HistoryItem::offset).toList());
    }

    /** The promoted replica had the topic up to {@code kept}; it publishes {@code kept + 1 .. top} in a new epoch. */
    private void failOver(String topic, Position kept, int top) {
        node.store.answerReads(topic, forked(kept, top));
        for (int offset = (int) kept.offset() + 1; offset <= top; offset++) {
            liveInForkedEpoch(topic, offset);
        }
    }

    private static HistorySlice forked(Position kept, int top) {
        List<StoredPublication> stored = new ArrayList<>();
        for (long offset = kept.offset() + 1; offset <= top; offset++) {
            stored.add(new StoredPublication(offset, data(offset)));
        }
        return new HistorySlice(new StreamPosition(top, FORKED), stored, true,
                new StreamPosition(kept.offset(), kept.epoch()));
    }

    private void liveInForkedEpoch(String topic, long offset) {
        byte[] payload = ("{\"offset\":" + offset + ",\"epoch\":\"" + FORKED + "\",\"data\":{\"n\":" + offset + "}}")
                .getBytes(StandardCharsets.UTF_8);
        node.broker.publish(topic, payload);
    }

    private static byte[] data(long n) {
        return ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
    }
}
