package io.crier.cluster.redis;

import io.crier.cluster.PresenceStore;
import io.crier.cluster.PresenceStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.TestInstance;

/**
 * The presence contract on {@link RedisPresenceStore} on the Redis of a subclass's {@link RedisSetup} (a Sentinel
 * set, a Redis Cluster), in real time: Redis' clock runs on its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RedisPresenceStoreSuite extends PresenceStoreContract {

    /** The Redis the suite runs on: the subclass's static {@code RedisSetup} extension. */
    protected abstract RedisSetup redis();

    @Override
    protected PresenceStore newStore(Duration ttl) {
        return RedisPresenceStoreIT.connected(new RedisPresenceStore(redis().link("crier:"), ttl));
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
