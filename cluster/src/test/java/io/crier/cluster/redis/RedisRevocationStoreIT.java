package io.crier.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.Revocation;
import io.crier.cluster.RevocationStore;
import io.crier.cluster.RevocationStoreContract;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The revocation contract on {@link RedisRevocationStore} against a real redis-server, plus its key layout. */
class RedisRevocationStoreIT extends RevocationStoreContract {

    @RegisterExtension
    static final RedisSetup REDIS = RedisSetup.standalone();

    private String prefix;

    @Override
    protected RevocationStore newStore() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
        RedisRevocationStore store = new RedisRevocationStore(REDIS.link(prefix));
        store.connected().toCompletableFuture().join();
        return store;
    }

    @Test
    void keysShareOneHashTagOutsideTheTopicsAndExpireWithTheirLatestFact() throws Exception {
        RedisRevocationStore store = new RedisRevocationStore(REDIS.link(prefix));
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        try {
            awaitWritten(store, new Revocation.Token("jti-9", now.plusSeconds(60)), now);

            String key = "{" + prefix.substring(0, prefix.length() - 1) + ".revocations}:tokens";
            assertEquals(store.keys().get(0), key);
            String value = REDIS.server().cli("HGET", key, "jti-9");
            assertEquals(now.toEpochMilli() + 60_000, Long.parseLong(value.substring(0, value.indexOf(','))));
            long pttl = Long.parseLong(REDIS.server().cli("PTTL", key));
            assertTrue(pttl > 50_000 && pttl <= 60_000, "PTTL " + pttl);
        } finally {
            store.close();
        }
    }

    @Test
    void aValueWrittenByHandIsDroppedAtTheNextLoad() throws Exception {
        RedisRevocationStore store = new RedisRevocationStore(REDIS.link(prefix));
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        try {
            awaitWritten(store, new Revocation.Block("alice", now.plusSeconds(60)), now);
            REDIS.server().cli("HSET", store.keys().get(2), "bob", "not a time");

            assertEquals(1, complete(store.load(now)).size());
            assertEquals("0", REDIS.server().cli("HEXISTS", store.keys().get(2), "bob"));
        } finally {
            store.close();
        }
    }

    /** Writes once the store's connection is open (it opens in the background). */
    private static void awaitWritten(RevocationStore store, Revocation revocation, Instant now) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> {
                    try {
                        complete(store.apply(revocation, now));
                        return true;
                    } catch (Exception e) {
                        return false;
                    }
                });
    }
}
