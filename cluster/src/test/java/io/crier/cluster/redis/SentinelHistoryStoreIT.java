package io.crier.cluster.redis;

import io.crier.cluster.BrokerListener;
import io.crier.cluster.HistoryStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The history contract on {@link RedisHistoryStore} through a Sentinel set (real time, like the standalone one). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelHistoryStoreIT extends HistoryStoreContract {

    @RegisterExtension
    static final RedisSetup SENTINELS = RedisSetup.sentinel();

    @Override
    protected Fixture start(BrokerListener listener) throws Exception {
        RedisConfig config = RedisBrokerIT.config(SENTINELS.set().uri(), "crier:", 10_000);
        RedisHistoryStore store = closeAfterTest(new RedisHistoryStore(SENTINELS.link(config)));
        complete(store.start());
        RedisBroker broker = closeAfterTest(new RedisBroker(SENTINELS.link(config)));
        complete(broker.start(listener));
        return new Fixture(store, broker);
    }

    @Override
    protected void advance(Duration by) {
        // Redis measures ages with its own clock: the suite's awaits let the time pass.
    }
}
