package io.crier.cluster.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The node registry contract on {@link RedisNodeRegistry} through a Sentinel set. */
class SentinelNodeRegistryIT extends RedisNodeRegistrySuite {

    @RegisterExtension
    static final RedisSetup SENTINELS = RedisSetup.sentinel();

    @Override
    protected RedisSetup redis() {
        return SENTINELS;
    }
}
