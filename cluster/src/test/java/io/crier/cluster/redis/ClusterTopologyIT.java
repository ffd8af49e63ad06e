package io.crier.cluster.redis;

import static io.crier.cluster.HistoryStoreContract.KEEP_100;
import static io.crier.cluster.HistoryStoreContract.bytes;
import static io.crier.cluster.HistoryStoreContract.complete;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.BrokerState;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.RecordingListener;
import io.crier.cluster.RedisClusterSet;
import io.crier.cluster.RedisServerProcess;
import io.crier.cluster.StreamPosition;
import io.crier.protocol.ChannelMessage;
import io.crier.protocol.PublicationCodec;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's sharded subscriptions when the Redis Cluster changes under them: a slot migrated to another primary
 * (Redis drops the subscription with a {@code sunsubscribe} push) and a primary killed with {@code kill -9} (its
 * replica is promoted). Lettuce moves neither subscription; {@link RedisShardedBroker} does, reports the topic
 * restored (so that the node repairs it from history), and the history continues on the new owner. Also: a primary
 * that lost the function library gets it back on the first call that needs it.
 */
class ClusterTopologyIT {

    private static final Logger log = LoggerFactory.getLogger(ClusterTopologyIT.class);
    private static final Duration FOLLOW = Duration.ofSeconds(20);

    private final TestLinks links = new TestLinks();
    private final PublicationCodec codec = new PublicationCodec();
    private final String news = "news." + UUID.randomUUID().toString().substring(0, 8);
    private RedisClusterSet cluster;
    private RecordingListener received;
    private RedisShardedBroker broker;
    private RedisHistoryStore history;

    @BeforeEach
    void startClusterAndNode() throws Exception {
        cluster = RedisClusterSet.start();
        RedisLink link = links.open(RedisBrokerIT.config(cluster.seedUri(), "cluster", "crier:", 10_000));
        received = new RecordingListener();
        broker = links.closeFirst(new RedisShardedBroker(link));
        complete(broker.start(received));
        history = links.closeFirst(new RedisHistoryStore(link));
        complete(history.start());
        complete(broker.subscribe(news));
        for (int n = 1; n <= 3; n++) {
            complete(history.publish(news, bytes("{\"n\":" + n + "}"), KEEP_100));
            assertEquals(n, offsetOf(received.next()));
        }
    }

    @AfterEach
    void stopEverything() {
        links.close();
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aSubscriptionFollowsItsSlotToAnotherPrimaryAndTheHistoryMovesWithIt() throws Exception {
        int slot = cluster.slotOf("crier:" + news);
        RedisServerProcess from = cluster.ownerOf(slot);
        RedisServerProcess to = cluster.primaries().stream().filter(node -> node.port() != from.port()).findFirst()
                .orElseThrow();
        assertEquals("127.0.0.1:" + from.port(), broker.placementOf(news));

        long moving = System.nanoTime();
        cluster.moveSlot(slot, to);
        assertEquals(news, received.nextRestored(FOLLOW));
        Duration followed = Duration.ofNanos(System.nanoTime() - moving);
        assertEquals("127.0.0.1:" + to.port(), broker.placementOf(news));

        StreamPosition fourth = complete(history.publish(news, bytes("{\"n\":4}"), KEEP_100));
        assertEquals(4, fourth.offset(), "the offsets go on where the migrated history stands");
        assertEquals(4, offsetOf(received.next()));
        HistorySlice slice = complete(history.read(news, 0, 10, KEEP_100));
        assertEquals(4, slice.publications().size(), "the stream migrated with the slot");
        log.info("Slot {} moved from {} to {}: the subscription followed {} ms after the move began", slot,
                from.port(), to.port(), followed.toMillis());
    }

    @Test
    void whileItsSlotMigratesATopicIsPublishedAndReadWhereItsHistoryIs() throws Exception {
        int slot = cluster.slotOf("crier:" + news);
        RedisServerProcess from = cluster.ownerOf(slot);
        RedisServerProcess to = cluster.primaries().stream().filter(node -> node.port() != from.port()).findFirst()
                .orElseThrow();
        // A migration's first steps: the slot is open on both sides, and its keys are still on the source.
        assertEquals("OK", to.cli("CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", cluster.nodeId(from)));
        assertEquals("OK", from.cli("CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", cluster.nodeId(to)));

        StreamPosition fourth = complete(history.publish(news, bytes("{\"n\":4}"), KEEP_100));
        assertEquals(4, fourth.offset(), "the source, which holds the history, ran the publication");
        assertEquals(4, offsetOf(received.next()));
        assertEquals(4, complete(history.read(news, 0, 10, KEEP_100)).publications().size());

        cluster.moveSlot(slot, to); // the keys (MIGRATE finds none in the way on the target), then the slot
        StreamPosition fifth = complete(history.publish(news, bytes("{\"n\":5}"), KEEP_100));
        assertEquals(5, fifth.offset());
        HistorySlice slice = complete(history.read(news, 0, 10, KEEP_100));
        assertEquals(5, slice.publications().size());
        assertEquals(fourth, slice.continuedFrom(), "the new owner forked the topic where the history it got ends");
    }

    @Test
    void aSubscriptionFollowsItsSlotToThePromotedReplica() throws Exception {
        int slot = cluster.slotOf("crier:" + news);
        RedisServerProcess owner = cluster.ownerOf(slot);
        assertEquals("1", owner.cli("WAIT", "1", "5000"), "the replica confirmed the three publications");

        long killed = System.nanoTime();
        RedisServerProcess dead = cluster.killOwnerOf(slot);
        assertEquals(news, received.nextRestored(FOLLOW));
        Duration followed = Duration.ofNanos(System.nanoTime() - killed);
        // The broker may follow before every node of the cluster agrees on the promotion.
        RedisServerProcess promoted = cluster.awaitFailover(dead, FOLLOW);
        assertNotEquals(dead.port(), promoted.port());
        assertEquals("127.0.0.1:" + promoted.port(), broker.placementOf(news));

        StreamPosition fourth = complete(history.publish(news, bytes("{\"n\":4}"), KEEP_100));
        assertEquals(4, fourth.offset());
        assertNotEquals(null, fourth.epoch());
        assertEquals(4, offsetOf(received.next()));
        HistorySlice slice = complete(history.read(news, 3, 10, KEEP_100));
        assertTrue(slice.continuedFrom() != null && slice.continuedFrom().offset() == 3,
                "the promoted replica forks the topic where it stands: " + slice);
        log.info("Killed the primary of slot {} on port {}: the subscription followed to port {} {} ms later", slot,
                dead.port(), promoted.port(), followed.toMillis());

        cluster.restart(dead);
        complete(history.publish(news, bytes("{\"n\":5}"), KEEP_100));
        assertEquals(5, offsetOf(received.next()));
        assertEquals(null, received.poll(Duration.ofMillis(500)), "the old primary, back as a replica, delivers"
                + " nothing twice");
    }

    @Test
    void theBrokerIsDisconnectedWhileNoNodeOfTheClusterAnswersAndConnectedOnceItIsBack() throws Exception {
        received.clearStates();
        List<RedisServerProcess> nodes = cluster.nodes();
        nodes.forEach(RedisServerProcess::kill);
        received.awaitState(BrokerState.DISCONNECTED);

        nodes.forEach(RedisServerProcess::restart);
        received.awaitState(BrokerState.CONNECTED);
        await("the subscription is placed again").atMost(FOLLOW).until(() -> broker.placementOf(news) != null);
        // Without persistence the cluster came back empty: the library is loaded again, the topic starts anew.
        await("the cluster takes publications again").atMost(FOLLOW).ignoreExceptions()
                .until(() -> complete(history.publish(news, bytes("{\"n\":1}"), KEEP_100)).offset() == 1);
        assertEquals(1, offsetOf(received.next()));
    }

    @Test
    void aPrimaryThatLostTheFunctionLibraryGetsItBackOnTheFirstCallThatNeedsIt() throws Exception {
        for (RedisServerProcess primary : cluster.primaries()) {
            primary.cli("FUNCTION", "FLUSH");
        }
        StreamPosition fourth = complete(history.publish(news, bytes("{\"n\":4}"), KEEP_100));
        assertEquals(4, fourth.offset());
        assertEquals(4, offsetOf(received.next()));
        for (RedisServerProcess primary : cluster.primaries()) {
            assertTrue(primary.cli("FUNCTION", "LIST", "LIBRARYNAME", "crier").contains("crier_publish"),
                    "the library is back on " + primary);
        }
    }

    private long offsetOf(RecordingListener.Publication publication) throws Exception {
        ChannelMessage.Publication message = (ChannelMessage.Publication) codec.decode(publication.payload());
        return message.position().offset();
    }
}
