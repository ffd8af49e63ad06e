package io.crier.cluster.redis;

import static io.crier.cluster.HistoryStoreContract.KEEP_100;
import static io.crier.cluster.HistoryStoreContract.bytes;
import static io.crier.cluster.HistoryStoreContract.complete;
import static io.crier.cluster.HistoryStoreContract.offsets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.Broker;
import io.crier.cluster.NodeRegistryContract;
import io.crier.cluster.PresenceStoreContract;
import io.crier.cluster.RecordingListener;
import io.crier.cluster.RedisClusterSet;
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
 * standalone Redis, through Sentinel and on a Redis Cluster: each works, and the connections really are the ACL
 * user's or TLS ones.
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

    @Test
    void aRedisClusterServesTheNodeAsAnAclUser() throws Exception {
        try (RedisClusterSet cluster = RedisClusterSet.withAclUser()) {
            assertTrue(cluster.seedUri().startsWith("redis://" + USER + ":" + PASSWORD + "@"));

            serveANode(config(cluster.seedUri(), "cluster", ""),
                    () -> cluster.primaries().forEach(RedisAclAndTlsIT::assertEveryNodeConnectionIsTheAclUsers));
        }
    }

    @Test
    void aRedisClusterServesTheNodeOverTls() throws Exception {
        try (RedisClusterSet cluster = RedisClusterSet.withTls(tls)) {
            assertTrue(cluster.seedUri().startsWith("rediss://"));

            serveANode(config(cluster.seedUri(), "cluster", tls.caFile().toString()), () -> { });
        }
    }

    private static RedisConfig config(String uri, String caFile) {
        return config(uri, "auto", caFile);
    }

    private static RedisConfig config(String uri, String mode, String caFile) {
        return new RedisConfig(uri, mode, "crier:", Duration.ofMillis(50), Duration.ofMillis(500), 10_000,
                Duration.ofSeconds(2), caFile, ReplicaWait.OFF, RedisConfig.DEFAULT_TOPOLOGY_REFRESH);
    }

    /** Everything a node does with Redis, once, on one link; then {@code check} while it is all still open. */
    private void serveANode(RedisConfig config, Runnable check) throws Exception {
        RedisLink link = links.open(config);
        String topic = "news." + UUID.randomUUID().toString().substring(0, 8);
        RecordingListener received = new RecordingListener();
        try (Broker broker = link.sharded() ? new RedisShardedBroker(link) : new RedisBroker(link);
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

    /**
     * On a cluster's primary: the node's command connections (history, presence, registry, broker: each has one to
     * every primary), and its pub/sub connection where it has one, are the ACL user's; only replicas and this
     * {@code redis-cli} are the default user. A connection that has run no command yet ({@code cmd=NULL}) is left
     * out: every connection shows as the default user between its accept and its first command, and Lettuce's
     * topology refresh opens new ones at any time (its first command, {@code HELLO 3 AUTH}, names the ACL user).
     */
    private static void assertEveryNodeConnectionIsTheAclUsers(RedisServerProcess primary) {
        List<String> clients = primary.cli("CLIENT", "LIST").lines().toList();
        List<String> others = clients.stream().filter(client -> !client.contains(" user=" + USER + " "))
                .filter(client -> !client.contains(" flags=S ") && !client.contains(" cmd=client|list "))
                .filter(client -> !client.contains(" cmd=NULL "))
                .toList();
        assertEquals(List.of(), others, String.join("\n", clients));
        assertTrue(clients.stream().filter(client -> client.contains(" user=" + USER + " ")).count() >= 4,
                String.join("\n", clients));
    }
}
