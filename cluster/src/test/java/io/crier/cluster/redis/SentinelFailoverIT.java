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
import io.crier.cluster.RedisSentinelSet;
import io.crier.cluster.RedisServerProcess;
import io.crier.cluster.StreamPosition;
import io.crier.protocol.ChannelMessage;
import io.crier.protocol.Position;
import io.crier.protocol.PublicationCodec;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's link through Sentinel when the master dies: {@code kill -9} of the master, the sentinels promote the
 * replica, and the broker and the history store reconnect to it by themselves (each reconnect asks a sentinel),
 * resubscribe, load the function library and serve again; the topic's history forks where the promoted replica
 * stands.
 */
class SentinelFailoverIT {

    private static final Logger log = LoggerFactory.getLogger(SentinelFailoverIT.class);
    private static final Duration FAILOVER = Duration.ofSeconds(20);

    private final TestLinks links = new TestLinks();
    private final String news = "news." + UUID.randomUUID().toString().substring(0, 8);
    private RedisSentinelSet sentinels;

    @AfterEach
    void stopEverything() {
        links.close();
        if (sentinels != null) {
            sentinels.close();
        }
    }

    @Test
    void theLinkFollowsTheMasterTheSentinelsPromoteAndTheTopicForksWhereThePromotedReplicaStands() throws Exception {
        sentinels = RedisSentinelSet.start();
        sentinels.awaitReadyForFailover();
        RedisLink link = links.open(RedisBrokerIT.config(sentinels.uri(), "crier:", 10_000));
        RecordingListener received = new RecordingListener();
        RedisBroker broker = links.closeFirst(new RedisBroker(link));
        complete(broker.start(received));
        RedisHistoryStore history = links.closeFirst(new RedisHistoryStore(link));
        complete(history.start());
        complete(broker.subscribe(news));
        StreamPosition third = null;
        for (int n = 1; n <= 3; n++) {
            third = complete(history.publish(news, bytes("{\"n\":" + n + "}"), KEEP_100));
            received.next();
        }
        RedisServerProcess replica = sentinels.replica();
        await("the replica has the topic up to 3").atMost(RecordingListener.TIMEOUT)
                .until(() -> replica.cli("HGET", "{crier:" + news + "}:meta", "offset").equals("3"));
        received.clearStates();

        long killed = System.nanoTime();
        RedisServerProcess old = sentinels.killMaster();
        received.awaitState(BrokerState.DISCONNECTED);
        // Its own connection hears of the loss on its own, a moment before or after the broker's.
        await("the history store cannot serve without a master").atMost(RecordingListener.TIMEOUT)
                .pollInterval(Duration.ofMillis(5)).until(() -> !history.ready());
        RedisServerProcess promoted = sentinels.awaitFailover(old, FAILOVER);
        long promotedAfter = System.nanoTime() - killed;
        await("the broker and the history store serve again").atMost(FAILOVER).pollInterval(Duration.ofMillis(20))
                .until(() -> broker.state() == BrokerState.CONNECTED && history.ready());
        long followedAfter = System.nanoTime() - killed;
        log.info("kill -9 of the master: the sentinels named {} after {} ms; the link served again after {} ms",
                promoted, promotedAfter / 1_000_000, followedAfter / 1_000_000);

        StreamPosition fourth = complete(history.publish(news, bytes("{\"n\":4}"), KEEP_100));
        ChannelMessage.Publication delivered = (ChannelMessage.Publication) new PublicationCodec()
                .decode(received.next().payload());
        assertEquals(replica, promoted);
        assertEquals(4, fourth.offset(), "nothing was lost: the offsets go on");
        assertNotEquals(third.epoch(), fourth.epoch(), "another master: the topic forks");
        assertEquals(new Position(4, fourth.epoch()), delivered.position(), "resubscribed on the new master");
        HistorySlice slice = complete(history.read(news, 3, 10, KEEP_100));
        assertEquals(third, slice.continuedFrom());
        assertTrue(slice.continues(third.epoch(), 3), "a reader at 3 reads on across the failover");
        assertTrue(promoted.cli("FUNCTION", "LIST", "LIBRARYNAME", "crier").contains("crier_publish"));
        assertTrue(followedAfter < FAILOVER.toNanos());
    }
}
