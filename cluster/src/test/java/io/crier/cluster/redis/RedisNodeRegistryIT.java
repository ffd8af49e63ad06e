package io.crier.cluster.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.NodeRegistry;
import io.crier.cluster.NodeRegistryContract;
import io.crier.cluster.RedisServerProcess;
import io.crier.protocol.NodeInfo;
import io.crier.protocol.NodesCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The node registry contract on {@link RedisNodeRegistry} against a real redis-server, plus what only Redis does. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisNodeRegistryIT extends NodeRegistryContract {

    @RegisterExtension
    static final RedisSetup REDIS = RedisSetup.standalone();

    @Override
    protected NodeRegistry newRegistry(Duration lease, String namespace) {
        return connected(new RedisNodeRegistry(REDIS.link(RedisBrokerIT.config(REDIS.server().uri(), namespace, 10_000)), lease));
    }

    @Override
    protected Duration lease() {
        return Duration.ofMillis(800);
    }

    @Override
    protected void advance(Duration time) {
        // Real time: Redis' clock runs on its own.
    }

    @Test
    void recordIsTheCodecsJsonUnderTheLeaseAndSharesTheIndexHashSlot() throws Exception {
        RedisNodeRegistry registry = (RedisNodeRegistry) registry();
        NodeInfo node = node("n1", 5);
        complete(registry.announce(node));

        String key = registry.recordKey("n1");
        assertTrue(key.startsWith(registry.indexKey() + ":"), key);
        assertTrue(registry.indexKey().startsWith("{") && registry.indexKey().endsWith("nodes}"), registry.indexKey());
        assertEquals(new String(new NodesCodec().encode(node), StandardCharsets.UTF_8), REDIS.server().cli("GET", key));
        long pttl = Long.parseLong(REDIS.server().cli("PTTL", key));
        assertTrue(pttl > 0 && pttl <= lease().toMillis(), "record PTTL " + pttl);
        long indexTtl = Long.parseLong(REDIS.server().cli("PTTL", registry.indexKey()));
        assertTrue(indexTtl > lease().toMillis() && indexTtl <= lease().toMillis() * 3, "index PTTL " + indexTtl);
    }

    @Test
    void withdrawLeavesNoKeysBehind() throws Exception {
        RedisNodeRegistry registry = (RedisNodeRegistry) registry();
        complete(registry.announce(node("n1", 1)));

        complete(registry.withdraw("n1"));

        assertEquals("0", REDIS.server().cli("EXISTS", registry.recordKey("n1"), registry.indexKey()));
    }

    @Test
    void aRecordWrittenByHandIsSkippedAndCounted() throws Exception {
        RedisNodeRegistry registry = (RedisNodeRegistry) registry();
        complete(registry.announce(node("n1", 1)));
        REDIS.server().cli("SET", registry.recordKey("bad"), "not json", "PX", "60000");
        REDIS.server().cli("ZADD", registry.indexKey(), "99999999999999", "bad");

        assertEquals(List.of(node("n1", 1)), get(registry.list()));
        assertEquals(1, registry.malformedRecords());
    }

    @Test
    void worksAgainAfterRedisForgotItsScripts() throws Exception {
        NodeRegistry registry = registry();
        complete(registry.announce(node("n1", 1)));

        REDIS.server().cli("SCRIPT", "FLUSH");

        complete(registry.refresh(node("n1", 2)));
        assertEquals(List.of(node("n1", 2)), get(registry.list()));
    }

    @Test
    void nodesAnnounceAgainOnTheirNextRefreshAfterRedisRestartsWithoutPersistence() throws Exception {
        try (RedisServerProcess own = RedisServerProcess.start();
             RedisNodeRegistry first = connected(new RedisNodeRegistry(REDIS.link(
                     RedisBrokerIT.config(own.uri(), "crier:", 10_000)), Duration.ofSeconds(30)));
             RedisNodeRegistry second = connected(new RedisNodeRegistry(REDIS.link(
                     RedisBrokerIT.config(own.uri(), "crier:", 10_000)), Duration.ofSeconds(30)))) {
            complete(first.announce(node("n1", 1)));
            complete(second.announce(node("n2", 2)));

            own.restart();
            await().atMost(TIMEOUT).ignoreExceptions().until(() -> get(first.list()).isEmpty());

            // One refresh each, as their announcers do every few seconds; retried until the links are back.
            await().atMost(TIMEOUT).ignoreExceptions().pollInterval(Duration.ofMillis(50)).until(() -> {
                complete(first.refresh(node("n1", 1)));
                complete(second.refresh(node("n2", 2)));
                return true;
            });
            assertEquals(List.of(node("n1", 1), node("n2", 2)), get(first.list()));
        }
    }

    @Test
    void announceWaitsForTheFirstConnectionAndOtherCallsFailUntilThen() throws Exception {
        try (RedisServerProcess own = RedisServerProcess.start()) {
            own.kill();
            try (RedisNodeRegistry registry = new RedisNodeRegistry(REDIS.link(
                    RedisBrokerIT.config(own.uri(), "crier:", 10_000)), Duration.ofSeconds(30))) {
                CompletableFuture<Void> announced = registry.announce(node("early", 1)).toCompletableFuture();
                ExecutionException failure = assertThrows(ExecutionException.class, () -> complete(registry.list()));
                assertInstanceOf(BrokerUnavailableException.class, failure.getCause());

                own.restart();

                get(announced);
                assertEquals(List.of(node("early", 1)), get(registry.list()));
            }
        }
    }

    @Test
    void failsWithUnavailableWhileRedisIsDown() throws Exception {
        try (RedisServerProcess own = RedisServerProcess.start();
             RedisNodeRegistry registry = connected(new RedisNodeRegistry(REDIS.link(
                     RedisBrokerIT.config(own.uri(), "crier:", 10_000)), lease()))) {
            own.kill();

            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> complete(registry.refresh(node("n1", 1))));
            assertInstanceOf(BrokerUnavailableException.class, failure.getCause());
        }
    }

    static RedisNodeRegistry connected(RedisNodeRegistry registry) {
        try {
            get(registry.connected());
            return registry;
        } catch (Exception e) {
            registry.close();
            throw new IllegalStateException("the node registry did not connect", e);
        }
    }
}
