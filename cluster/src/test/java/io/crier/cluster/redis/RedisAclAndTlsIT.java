package io.crier.cluster.redis;

import static io.crier.cluster.HistoryStoreContract.KEEP_100;
import static io.crier.cluster.HistoryStoreContract.bytes;
import static io.crier.cluster.HistoryStoreContract.complete;
import static io.crier.cluster.HistoryStoreContract.offsets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.NodeRegistryContract;
import io.crier.cluster.PresenceStoreContract;
import io.crier.cluster.RecordingListener;
import io.crier.cluster.RedisSentinelSet;
import io.crier.cluster.RedisServerProcess;
import io.crier.cluster.RedisServerSetup;
import io.crier.cluster.RedisTls;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A node's whole Redis link (broker, history, presence, cluster view) with a Redis ACL user and with TLS, on a
 * standalone Redis and through Sentinel: each works, and the connections really are the ACL user's or TLS ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisAclAndTlsIT {

    private static final String USER = RedisSentinelSet.USER;
    private static final String PASSWORD = RedisSentinelSet.PASSWORD;

    private final TestLinks links = new TestLinks();
    private RedisTls tls;

    @BeforeAll
    void makeCertificates() {
        tls = RedisTls.create();
    }

    @AfterAll
    void deleteCertificates() {
        tls.close();
    }

    @AfterEach
    void closeLinks() {
        links.close();
    }

    @Test
    void aStandaloneRedisServesTheNodeAsAnAclUser() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start(RedisServerSetup.plain()
                .with("user " + USER + " on >" + PASSWORD + " ~* &* +@all"))) {
            String uri = "redis://" + USER + ":" + PASSWORD + "@127.0.0.1:" + redis.port();

            serveANode(config(uri, ""), () -> assertTheNodesConnectionsAreTheAclUsers(redis));
        }
    }

    @Test
    void aStandaloneRedisServesTheNodeOverTls() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start(RedisServerSetup.plain().withTls(tls))) {
            serveANode(config(redis.uri(), tls.caFile().toString()), () -> { });

            assertTrue(redis.uri().startsWith("rediss://"));
        }
    }

    @Test
    void aSentinelSetServesTheNodeAsAnAclUser() throws Exception {
        try (RedisSentinelSet sentinels = RedisSentinelSet.withAclUser()) {
            assertTrue(sentinels.uri().startsWith("redis-sentinel://" + USER + ":" + PASSWORD + "@"));

            serveANode(config(sentinels.uri(), ""), () -> assertTheNodesConnectionsAreTheAclUsers(sentinels.master()));
        }
    }

    @Test
    void aSentinelSetServesTheNodeOverTls() throws Exception {
        try (RedisSentinelSet sentinels = RedisSentinelSet.withTls(tls)) {
            assertTrue(sentinels.uri().startsWith("rediss-sentinel://"));

            serveANode(config(sentinels.uri(), tls.caFile().toString()), () -> { });
        }
    }

    private static RedisConfig config(String uri, String caFile) {
        return new RedisConfig(uri, "crier:", Duration.ofMillis(50), Duration.ofMillis(500), 10_000,
                Duration.ofSeconds(2), caFile, ReplicaWait.OFF);
    }

    /** Everything a node does with Redis, once, on one link; then {@code check} while it is all still open. */
    private void serveANode(RedisConfig config, Runnable check) throws Exception {
        RedisLink link = links.open(config);
        String topic = "news." + UUID.randomUUID().toString().substring(0, 8);
        RecordingListener received = new RecordingListener();
        try (RedisBroker broker = new RedisBroker(link);
             RedisHistoryStore history = new RedisHistoryStore(link);
             RedisPresenceStore presence = RedisPresenceStoreIT.connected(new RedisPresenceStore(link,
                     Duration.ofSeconds(10)));
             RedisNodeRegistry registry = RedisNodeRegistryIT.connected(new RedisNodeRegistry(link,
                     Duration.ofSeconds(10)))) {
            complete(broker.start(received));
            complete(history.start());
            complete(broker.subscribe(topic));

            complete(broker.publish(topic, bytes("{\"data\":\"plain\"}")));
            assertEquals("{\"data\":\"plain\"}", received.next().text());
            assertEquals(1, complete(history.publish(topic, bytes("{\"n\":1}"), KEEP_100)).offset());
            assertEquals(List.of(1L), offsets(complete(history.read(topic, 0, 10, KEEP_100))));
            complete(presence.add(topic, PresenceStoreContract.entry("s1", "alice", "n1", null)));
            assertEquals(1, complete(presence.list(topic, 10)).size());
            complete(registry.announce(NodeRegistryContract.node("n1", 0)));
            assertEquals(1, complete(registry.list()).size());
            check.run();
        }
    }

    /**
     * The node's five connections (the broker's two, history's, presence's, the registry's) are the ACL user's;
     * the default user stays on for redis-cli, the replica and the sentinels.
     */
    private static void assertTheNodesConnectionsAreTheAclUsers(RedisServerProcess redis) {
        List<String> clients = redis.cli("CLIENT", "LIST").lines().toList();
        assertEquals(5, clients.stream().filter(client -> client.contains(" user=" + USER + " ")).count(),
                String.join("\n", clients));
    }
}
