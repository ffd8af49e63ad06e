package io.crier.cluster.redis;

import io.crier.cluster.NodeRegistry;
import io.crier.cluster.NodeRegistryContract;
import java.time.Duration;
import org.junit.jupiter.api.TestInstance;

/**
 * The node registry contract on {@link RedisNodeRegistry} on the Redis of a subclass's {@link RedisSetup} (a
 * Sentinel set, a Redis Cluster), in real time: Redis' clock runs on its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RedisNodeRegistrySuite extends NodeRegistryContract {

    /** The Redis the suite runs on: the subclass's static {@code RedisSetup} extension. */
    protected abstract RedisSetup redis();

    @Override
    protected NodeRegistry newRegistry(Duration lease, String namespace) {
        return RedisNodeRegistryIT.connected(new RedisNodeRegistry(redis().link(namespace), lease));
    }

    @Override
    protected Duration lease() {
        return Duration.ofMillis(800);
    }

    @Override
    protected void advance(Duration time) {
        // Real time: Redis' clock runs on its own.
    }
}
