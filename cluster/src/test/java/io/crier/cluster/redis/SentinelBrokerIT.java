package io.crier.cluster.redis;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerContract;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker contract on {@link RedisBroker} through a Sentinel set (one master, one replica, three sentinels). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelBrokerIT extends BrokerContract {

    @RegisterExtension
    static final RedisSetup SENTINELS = RedisSetup.sentinel();

    @Override
    protected Broker newBroker() {
        return new RedisBroker(SENTINELS.link("crier:"));
    }
}
