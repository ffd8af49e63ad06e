package io.crier.cluster.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The node registry contract on {@link RedisNodeRegistry} through a Redis Cluster (three primaries, one replica each). */
class ClusterNodeRegistryIT extends RedisNodeRegistrySuite {

    @RegisterExtension
    static final RedisSetup CLUSTER = RedisSetup.cluster();

    @Override
    protected RedisSetup redis() {
        return CLUSTER;
    }
}
