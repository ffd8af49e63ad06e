package io.crier.cluster.redis;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerContract;
import io.crier.cluster.RedisSentinelSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The broker contract on {@link RedisBroker} through a Sentinel set (one master, one replica, three sentinels). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelBrokerIT extends BrokerContract {

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
    protected Broker newBroker() {
        return new RedisBroker(links.open(RedisBrokerIT.config(sentinels.uri(), "crier:", 10_000)));
    }
}
