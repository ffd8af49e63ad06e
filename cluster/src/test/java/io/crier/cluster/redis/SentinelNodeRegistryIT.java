package io.crier.cluster.redis;

import io.crier.cluster.NodeRegistry;
import io.crier.cluster.NodeRegistryContract;
import java.time.Duration;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The node registry contract on {@link RedisNodeRegistry} through a Sentinel set. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelNodeRegistryIT extends NodeRegistryContract {

    @RegisterExtension
    static final RedisSetup SENTINELS = RedisSetup.sentinel();

    @Override
    protected NodeRegistry newRegistry(Duration lease, String namespace) {
        return RedisNodeRegistryIT.connected(new RedisNodeRegistry(
                SENTINELS.link(namespace), lease));
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
