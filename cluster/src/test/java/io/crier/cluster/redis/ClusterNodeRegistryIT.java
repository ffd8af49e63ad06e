package io.crier.cluster.redis;

import io.crier.cluster.NodeRegistry;
import io.crier.cluster.NodeRegistryContract;
import java.time.Duration;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The node registry contract on {@link RedisNodeRegistry} on a Redis Cluster (three primaries, one replica each). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterNodeRegistryIT extends NodeRegistryContract {

    @RegisterExtension
    static final RedisSetup CLUSTER = RedisSetup.cluster();

    @Override
    protected NodeRegistry newRegistry(Duration lease, String namespace) {
        return RedisNodeRegistryIT.connected(new RedisNodeRegistry(
                CLUSTER.link(namespace), lease));
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
