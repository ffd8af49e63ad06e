package io.crier.cluster.redis;

import io.crier.cluster.PresenceStore;
import io.crier.cluster.PresenceStoreContract;
import io.crier.cluster.RedisSentinelSet;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The presence contract on {@link RedisPresenceStore} through a Sentinel set. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelPresenceStoreIT extends PresenceStoreContract {

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
    protected PresenceStore newStore(Duration ttl) {
        return RedisPresenceStoreIT.connected(new RedisPresenceStore(
                links.open(RedisBrokerIT.config(sentinels.uri(), "crier:", 10_000)), ttl));
    }

    @Override
    protected Duration ttl() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected void advance(Duration time) {
        // Real time: Redis' clock runs on its own.
    }
}
