package io.crier.cluster.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The user status contract on {@link RedisUserStatusLog} through a Sentinel set. */
class SentinelUserStatusLogIT extends RedisUserStatusLogSuite {

    @RegisterExtension
    static final RedisSetup SENTINELS = RedisSetup.sentinel();

    @Override
    protected RedisSetup redis() {
        return SENTINELS;
    }
}
