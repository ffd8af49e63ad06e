package io.crier.cluster.redis;

import io.crier.cluster.RevocationStore;
import io.crier.cluster.RevocationStoreContract;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The revocation contract on a Redis Cluster: the three hashes share one hash tag, so the write and load scripts
 * run on the one primary that owns its slot.
 */
class ClusterRevocationStoreIT extends RevocationStoreContract {

    @RegisterExtension
    static final RedisSetup REDIS = RedisSetup.cluster();

    @Override
    protected RevocationStore newStore() {
        RedisRevocationStore store = new RedisRevocationStore(
                REDIS.link("t" + UUID.randomUUID().toString().substring(0, 8) + ":"));
        store.connected().toCompletableFuture().join();
        return store;
    }
}
