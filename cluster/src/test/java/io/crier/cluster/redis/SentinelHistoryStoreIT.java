package io.crier.cluster.redis;

import io.crier.cluster.BrokerListener;
import io.crier.cluster.HistoryStoreContract;
import io.crier.cluster.RedisSentinelSet;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The history contract on {@link RedisHistoryStore} through a Sentinel set (real time, like the standalone one). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelHistoryStoreIT extends HistoryStoreContract {

    private final TestLinks links = new TestLinks();
    private RedisSentinelSet sentinels;

    @BeforeAll
    void startSentinels() {
        sentinels = RedisSentinelSet.start();
    }

    @AfterAll
    void stopSentinels() {
        sentinels.close();
    }

    @AfterEach
    void closeLinks() {
        links.close();
    }

    @Override
    protected Fixture start(BrokerListener listener) throws Exception {
        RedisConfig config = RedisBrokerIT.config(sentinels.uri(), "crier:", 10_000);
        RedisHistoryStore store = closeAfterTest(new RedisHistoryStore(links.open(config)));
        complete(store.start());
        RedisBroker broker = closeAfterTest(new RedisBroker(links.open(config)));
        complete(broker.start(listener));
        return new Fixture(store, broker);
    }

    @Override
    protected void advance(Duration by) {
        // Redis measures ages with its own clock: the suite's awaits let the time pass.
    }
}
