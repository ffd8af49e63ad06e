package io.crier.cluster.redis;

import static io.crier.cluster.HistoryStoreContract.KEEP_100;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerContract;
import io.crier.cluster.RecordingListener;
import io.crier.cluster.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker contract on {@link RedisShardedBroker} on a Redis Cluster (three primaries, one replica each), with
 * sharded pub/sub; and a backend that publishes to the cluster with the tools README shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterBrokerIT extends BrokerContract {

    @RegisterExtension
    static final RedisSetup CLUSTER = RedisSetup.cluster();

    @Override
    protected Broker newBroker() {
        return new RedisShardedBroker(CLUSTER.link("crier:"));
    }

    @Test
    void aBackendPublishesWithRedisCliAndThePublisherWhicheverPrimaryItAsks() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);
        String news = topic("news");
        String feed = topic("feed");
        complete(broker.subscribe(news));
        complete(broker.subscribe(feed));
        RedisServerProcess asked = CLUSTER.clusterSet().primaries().get(0);

        try (Publisher publisher = Publisher.connect(RedisBrokerIT.config(CLUSTER.uri(), "cluster", "crier:", 10_000))) {
            assertEquals(1, publisher.publish(news, "{\"n\":1}"), "SPUBLISH reached this node");
            assertEquals("{\"data\":{\"n\":1}}", received.next().text());
            assertEquals(1, publisher.publish(feed, "{\"n\":1}", KEEP_100).offset());
            assertEquals(feed, received.next().topic());
        }
        // redis-cli -c follows MOVED to the primary that owns the channel's slot, as a backend's own client would.
        asked.cli("-c", "SPUBLISH", "crier:" + news, "{\"data\":\"from redis-cli\"}");
        RecordingListener.Publication plain = received.next();
        assertEquals(news, plain.topic());
        assertEquals("{\"data\":\"from redis-cli\"}", plain.text());
        assertEquals("2", asked.cli("-c", "FCALL", "crier_publish", "2", "{crier:" + feed + "}:meta",
                "{crier:" + feed + "}:history", "{\"n\":2}").lines().findFirst().orElseThrow().strip());
        RecordingListener.Publication stored = received.next();
        assertEquals(feed, stored.topic());
        assertEquals(true, stored.text().startsWith("{\"offset\":2,"), stored.text());
        // Naming the channel alone would run on the wrong node while the slot migrates: refused on a cluster.
        String refused = asked.cli("-c", "FCALL", "crier_publish", "1", "crier:" + feed, "{\"n\":3}");
        assertEquals(true, refused.contains("ERR crier: on a Redis Cluster, name the two keys {C}:meta and"
                + " {C}:history instead of the channel C"), refused);
        assertEquals(true, asked.cli("-c", "FCALL_RO", "crier_history", "1", "crier:" + feed, "0", "10", "60")
                .contains("name the two keys"));
    }
}
