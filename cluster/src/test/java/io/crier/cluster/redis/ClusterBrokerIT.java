package io.crier.cluster.redis;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerContract;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker contract on {@link RedisShardedBroker} on a Redis Cluster (three primaries, one replica each), with sharded pub/sub. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterBrokerIT extends BrokerContract {

    @RegisterExtension
    static final RedisSetup CLUSTER = RedisSetup.cluster();

    @Override
    protected Broker newBroker() {
        return new RedisShardedBroker(CLUSTER.link("crier:"));
    }
}
