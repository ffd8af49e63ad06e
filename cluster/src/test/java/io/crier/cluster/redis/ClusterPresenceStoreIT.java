package io.crier.cluster.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The presence contract on {@link RedisPresenceStore} through a Redis Cluster (three primaries, one replica each). */
class ClusterPresenceStoreIT extends RedisPresenceStoreSuite {

    @RegisterExtension
    static final RedisSetup CLUSTER = RedisSetup.cluster();

    @Override
    protected RedisSetup redis() {
        return CLUSTER;
    }
}
