package io.crier.cluster.redis;

import io.crier.cluster.NodeRegistry;
import io.crier.cluster.NodeRegistryContract;
import io.crier.cluster.RedisSentinelSet;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The node registry contract on {@link RedisNodeRegistry} through a Sentinel set. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelNodeRegistryIT extends NodeRegistryContract {

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
    protected NodeRegistry newRegistry(Duration lease, String namespace) {
        return RedisNodeRegistryIT.connected(new RedisNodeRegistry(
                links.open(RedisBrokerIT.config(sentinels.uri(), namespace, 10_000)), lease));
    }

    @Override
    protected Duration lease() {
        return Duration.ofMillis(800);
    }

    @Override
    protected void advance(Duration time) {
        // Real time: Redis' clock runs on its own.
    }
}
