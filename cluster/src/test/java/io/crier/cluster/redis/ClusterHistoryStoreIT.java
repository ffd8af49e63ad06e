package io.crier.cluster.redis;

import io.crier.cluster.BrokerListener;
import io.crier.cluster.HistoryStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The history contract on {@link RedisHistoryStore} on a Redis Cluster (three primaries, one replica each) (real time, like the standalone one). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterHistoryStoreIT extends HistoryStoreContract {

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
}
