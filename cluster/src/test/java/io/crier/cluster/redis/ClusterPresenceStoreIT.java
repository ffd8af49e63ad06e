package io.crier.cluster.redis;

import io.crier.cluster.PresenceStore;
import io.crier.cluster.PresenceStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The presence contract on {@link RedisPresenceStore} on a Redis Cluster (three primaries, one replica each). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterPresenceStoreIT extends PresenceStoreContract {

    @RegisterExtension
    static final RedisSetup CLUSTER = RedisSetup.cluster();

    @Override
    protected PresenceStore newStore(Duration ttl) {
        return RedisPresenceStoreIT.connected(new RedisPresenceStore(
                CLUSTER.link("crier:"), ttl));
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
