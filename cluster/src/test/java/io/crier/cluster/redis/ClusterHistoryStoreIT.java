package io.crier.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.HistoryStoreContract;
import io.crier.cluster.RedisClusterSet;
import io.crier.cluster.RedisServerProcess;
import io.crier.cluster.StreamPosition;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The history contract on {@link RedisHistoryStore} on a Redis Cluster (three primaries, one replica each), in real
 * time like the standalone one; and {@code redis.waitReplicas}, which waits for the replica of the topic's primary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterHistoryStoreIT extends HistoryStoreContract {

    private static final Duration WAIT_TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    static final RedisSetup CLUSTER = RedisSetup.cluster();

    @Override
    protected Fixture start(BrokerListener listener) throws Exception {
        RedisConfig config = RedisBrokerIT.config(CLUSTER.uri(), "cluster", "crier:", 10_000);
        RedisHistoryStore store = closeAfterTest(new RedisHistoryStore(CLUSTER.link(config)));
        complete(store.start());
        RedisShardedBroker broker = closeAfterTest(new RedisShardedBroker(CLUSTER.link(config)));
        complete(broker.start(listener));
        return new Fixture(store, broker);
    }

    @Override
    protected void advance(Duration by) {
        // Redis measures ages with its own clock: the suite's awaits let the time pass.
    }

    @Test
    void withWaitReplicasAPublicationIsAcknowledgedOnlyOnceTheReplicaOfItsSlotsPrimaryHasIt() throws Exception {
        RedisConfig config = new RedisConfig(CLUSTER.uri(), "cluster", "crier:", Duration.ofMillis(50),
                Duration.ofMillis(500), 10_000, WAIT_TIMEOUT.multipliedBy(2), "", new ReplicaWait(1, WAIT_TIMEOUT),
                RedisConfig.DEFAULT_TOPOLOGY_REFRESH);
        RedisHistoryStore store = closeAfterTest(new RedisHistoryStore(CLUSTER.link(config)));
        complete(store.start());
        String news = topic("news");
        RedisClusterSet cluster = CLUSTER.clusterSet();
        RedisServerProcess owner = cluster.ownerOf(cluster.slotOf("crier:" + news));
        RedisServerProcess replica = cluster.replicas().stream()
                .filter(node -> node.cli("ROLE").lines().skip(2).findFirst().orElse("").strip()
                        .equals(Integer.toString(owner.port())))
                .findFirst().orElseThrow();

        StreamPosition first = complete(store.publish(news, bytes("{\"n\":1}"), KEEP_100));
        assertEquals(1, first.offset());
        assertEquals("OK\n1", replica.cliSession("READONLY", "HGET {crier:" + news + "}:meta offset").strip(),
                "acknowledged: replicated");

        // A replica that stops applying the stream (paused, as a lagging one would be) confirms nothing.
        replica.cli("CLIENT", "PAUSE", Long.toString(WAIT_TIMEOUT.multipliedBy(2).toMillis()), "WRITE");
        ExecutionException unconfirmed = assertThrows(ExecutionException.class,
                () -> complete(store.publish(news, bytes("{\"n\":2}"), KEEP_100)));
        BrokerUnavailableException failure = assertInstanceOf(BrokerUnavailableException.class,
                unconfirmed.getCause());
        assertEquals("published at offset 2, but only 0 of 1 replicas confirmed it within 2000ms: a failover may"
                + " lose it", failure.getMessage());
    }
}
