package io.crier.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.PresenceCount;
import io.crier.cluster.PresenceStore;
import io.crier.cluster.PresenceStoreContract;
import io.crier.cluster.RedisServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The presence contract on {@link RedisPresenceStore} against a real redis-server, plus what only Redis does. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisPresenceStoreIT extends PresenceStoreContract {

    @RegisterExtension
    static final RedisSetup REDIS = RedisSetup.standalone();

    private static final String PREFIX = "crier:";

    @Override
    protected PresenceStore newStore(Duration ttl) {
        return connected(new RedisPresenceStore(REDIS.link(RedisBrokerIT.config(REDIS.server().uri(), PREFIX, 10_000)), ttl));
    }

    @Override
    protected Duration ttl() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected void advance(Duration time) {
        // Real time: Redis' clock runs on its own.
    }

    @Test
    void keysShareTheChannelsHashTagAndExpireAfterAFewLeases() throws Exception {
        PresenceStore store = store();
        String room = topic("chat:room");
        complete(store.add(room, entry("s1", "alice", "n1", "{\"name\":\"Alice\"}")));

        String tag = "{" + PREFIX + room + "}";
        assertEquals("{\"user\":\"alice\",\"node\":\"n1\",\"info\":{\"name\":\"Alice\"}}",
                REDIS.server().cli("HGET", tag + ":presence", "s1"));
        assertEquals("1", REDIS.server().cli("HGET", tag + ":presence:users", "alice"));
        for (String key : List.of(tag + ":presence", tag + ":presence:exp", tag + ":presence:users")) {
            long pttl = Long.parseLong(REDIS.server().cli("PTTL", key));
            assertTrue(pttl > ttl().toMillis() && pttl <= ttl().toMillis() * 3, key + " PTTL " + pttl);
        }
    }

    @Test
    void removingTheLastSessionLeavesNoKeys() throws Exception {
        PresenceStore store = store();
        String room = topic("chat:room");
        complete(store.add(room, entry("s1", "alice", "n1", null)));

        complete(store.remove(room, "s1"));

        String tag = "{" + PREFIX + room + "}";
        assertEquals("0", REDIS.server().cli("EXISTS", tag + ":presence", tag + ":presence:exp", tag + ":presence:users"));
    }

    @Test
    void aValueWrittenByHandIsSkippedAndCounted() throws Exception {
        RedisPresenceStore store = (RedisPresenceStore) store();
        String room = topic("chat:room");
        complete(store.add(room, entry("s1", "alice", "n1", null)));
        String tag = "{" + PREFIX + room + "}";
        REDIS.server().cli("HSET", tag + ":presence", "bad", "not json");
        REDIS.server().cli("ZADD", tag + ":presence:exp", "99999999999999", "bad");

        assertEquals(List.of("s1|alice|n1|null"), described(get(store.list(room, 10))));
        assertEquals(1, store.malformedEntries());
        complete(store.remove(room, "bad"));
        assertEquals(new PresenceCount(1, 1), get(store.count(room)));
    }

    @Test
    void worksAgainAfterRedisForgotItsScripts() throws Exception {
        PresenceStore store = store();
        String room = topic("chat:room");
        complete(store.add(room, entry("s1", "alice", "n1", null)));

        REDIS.server().cli("SCRIPT", "FLUSH");

        complete(store.add(room, entry("s2", "bob", "n1", null)));
        assertEquals(new PresenceCount(2, 2), get(store.count(room)));
    }

    @Test
    void failsWithUnavailableWhileRedisIsDown() throws Exception {
        try (RedisServerProcess own = RedisServerProcess.start();
             RedisPresenceStore store = connected(new RedisPresenceStore(REDIS.link(
                     RedisBrokerIT.config(own.uri(), PREFIX, 10_000)), ttl()))) {
            own.kill();

            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> complete(store.count(topic("down"))));
            assertInstanceOf(BrokerUnavailableException.class, failure.getCause());
        }
    }

    static RedisPresenceStore connected(RedisPresenceStore store) {
        try {
            get(store.connected());
            return store;
        } catch (Exception e) {
            store.close();
            throw new IllegalStateException("the presence store did not connect", e);
        }
    }
}
