package io.crier.cluster.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The user status contract on {@link RedisUserStatusLog} through a Redis Cluster (three primaries, one replica each). */
class ClusterUserStatusLogIT extends RedisUserStatusLogSuite {

    @RegisterExtension
    static final RedisSetup CLUSTER = RedisSetup.cluster();

    @Override
    protected RedisSetup redis() {
        return CLUSTER;
    }
}
