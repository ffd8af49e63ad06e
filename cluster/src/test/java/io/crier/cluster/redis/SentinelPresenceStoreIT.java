package io.crier.cluster.redis;

import io.crier.cluster.PresenceStore;
import io.crier.cluster.PresenceStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The presence contract on {@link RedisPresenceStore} through a Sentinel set. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelPresenceStoreIT extends PresenceStoreContract {

    @RegisterExtension
    static final RedisSetup SENTINELS = RedisSetup.sentinel();

    @Override
    protected PresenceStore newStore(Duration ttl) {
        return RedisPresenceStoreIT.connected(new RedisPresenceStore(
                SENTINELS.link("crier:"), ttl));
    }

    @Override
    protected Duration ttl() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected void advance(Duration time) {
        // Real time: Redis' clock runs on its own.
    }
}
