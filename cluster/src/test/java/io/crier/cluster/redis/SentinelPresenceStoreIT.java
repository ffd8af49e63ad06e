package io.crier.cluster.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The presence contract on {@link RedisPresenceStore} through a Sentinel set. */
class SentinelPresenceStoreIT extends RedisPresenceStoreSuite {

    @RegisterExtension
    static final RedisSetup SENTINELS = RedisSetup.sentinel();

    @Override
    protected RedisSetup redis() {
        return SENTINELS;
    }
}
