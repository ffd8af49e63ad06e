package io.crier.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Redis Cluster fixture does what it says with real processes: three primaries with a replica each cover every
 * slot, a slot moves with its keys, a killed primary's replica takes over with the replicated key and the dead
 * node comes back as its replica, slots reshard; and the one-primary, ACL and TLS variants start and serve.
 */
class RedisClusterSetIT {

    private static final Duration FAILOVER = Duration.ofSeconds(15);

    private static RedisClusterSet cluster;

    private final String prefix = "crier:it:" + UUID.randomUUID().toString().substring(0, 8) + ":";

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterSet.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void startsThreePrimariesWithOneReplicaEachThatCoverEverySlot() {
        assertEquals(6, cluster.nodes().size());
        List<RedisServerProcess> primaries = cluster.primaries();
        assertEquals(3, primaries.size());
        assertEquals(3, cluster.replicas().size());
        assertEquals(16384, primaries.stream().mapToInt(primary -> cluster.slotsOf(primary).cardinality()).sum());
        for (RedisServerProcess node : cluster.nodes()) {
            String info = node.cli("CLUSTER", "INFO");
            assertTrue(info.contains("cluster_state:ok") && info.contains("cluster_slots_assigned:16384")
                    && info.contains("cluster_known_nodes:6"), node + ": " + info);
        }
        assertTrue(cluster.seedUri().matches("redis://127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+"),
                cluster.seedUri());
    }

    @Test
    void movesASlotWithItsKeysToAnotherPrimary() {
        String key = prefix + "moved";
        int slot = cluster.slotOf(key);
        RedisServerProcess from = cluster.ownerOf(slot);
        RedisServerProcess elsewhere = cluster.primaries().stream().filter(node -> node != from).findFirst().orElseThrow();
        assertEquals("OK", elsewhere.cli("-c", "SET", key, "before the move"));
        RedisServerProcess to = cluster.primaries().stream().filter(node -> node != from).reduce((a, b) -> b)
                .orElseThrow();

        cluster.moveSlot(slot, to);

        assertSame(to, cluster.ownerOf(slot));
        assertTrue(cluster.slotsOf(to).get(slot));
        assertFalse(cluster.slotsOf(from).get(slot));
        assertEquals("before the move", to.cli("GET", key));
        assertEquals("MOVED " + slot + " 127.0.0.1:" + to.port(), from.cli("GET", key));
    }

    @Test
    void promotesTheReplicaOfAKilledPrimaryWithTheReplicatedKeyAndTakesTheDeadNodeBackAsItsReplica() {
        String key = prefix + "failover";
        int slot = cluster.slotOf(key);
        RedisServerProcess owner = cluster.ownerOf(slot);
        assertEquals("OK\n1", owner.cliSession("SET " + key + " replicated", "WAIT 1 1000"));

        RedisServerProcess dead = cluster.killOwnerOf(slot);
        RedisServerProcess promoted = cluster.awaitFailover(dead, FAILOVER);

        assertSame(owner, dead);
        assertNotSame(dead, promoted);
        assertSame(promoted, cluster.ownerOf(slot));
        assertEquals("replicated", promoted.cli("GET", key));
        assertEquals(3, cluster.primaries().size());
        assertFalse(cluster.primaries().contains(dead));

        cluster.restart(dead);

        assertTrue(cluster.replicas().contains(dead));
        String replication = dead.cli("INFO", "replication");
        assertTrue(replication.contains("role:slave") && replication.contains("master_port:" + promoted.port())
                && replication.contains("master_link_status:up"), replication);
        assertEquals("replicated", dead.cli("-c", "GET", key));
    }

    @Test
    void reshardsSlotsFromOnePrimaryToAnother() {
        List<RedisServerProcess> primaries = cluster.primaries();
        RedisServerProcess from = primaries.get(0);
        RedisServerProcess to = primaries.get(1);
        int fromBefore = cluster.slotsOf(from).cardinality();
        int toBefore = cluster.slotsOf(to).cardinality();

        cluster.reshard(from, to, 100);

        assertEquals(fromBefore - 100, cluster.slotsOf(from).cardinality());
        assertEquals(toBefore + 100, cluster.slotsOf(to).cardinality());
        for (RedisServerProcess node : cluster.nodes()) {
            assertTrue(node.cli("CLUSTER", "INFO").contains("cluster_state:ok"), node.toString());
        }
    }

    @Test
    void startsASinglePrimaryThatOwnsEverySlot() {
        try (RedisClusterSet single = RedisClusterSet.start(1, 0)) {
            RedisServerProcess node = single.nodes().get(0);
            assertEquals(List.of(node), single.primaries());
            assertEquals(16384, single.slotsOf(node).cardinality());
            assertEquals("redis://127.0.0.1:" + node.port(), single.seedUri());
            assertEquals("OK", node.cli("SET", prefix + "single", "1"));
        }
    }

    @Test
    void servesTheAclUserOnEveryNode() {
        try (RedisClusterSet acl = RedisClusterSet.withAclUser()) {
            assertTrue(acl.seedUri().startsWith("redis://crier:crier-test-password@127.0.0.1:"), acl.seedUri());
            for (RedisServerProcess node : acl.nodes()) {
                assertEquals("crier", node.cli("--user", RedisClusterSet.USER, "--pass", RedisClusterSet.PASSWORD,
                        "--no-auth-warning", "ACL", "WHOAMI"));
            }
            RedisServerProcess node = acl.nodes().get(0);
            assertEquals("OK", node.cli("--user", RedisClusterSet.USER, "--pass", RedisClusterSet.PASSWORD,
                    "--no-auth-warning", "-c", "SET", prefix + "acl", "as crier"));
            assertEquals("as crier", acl.ownerOf(acl.slotOf(prefix + "acl")).cli("GET", prefix + "acl"));
        }
    }

    @Test
    void speaksTlsOnlyOnEveryNodeAndMovesASlotOverTls() {
        try (RedisTls tls = RedisTls.create(); RedisClusterSet secure = RedisClusterSet.withTls(tls)) {
            assertTrue(secure.seedUri().startsWith("rediss://127.0.0.1:"), secure.seedUri());
            String key = prefix + "tls";
            int slot = secure.slotOf(key);
            RedisServerProcess from = secure.ownerOf(slot);
            assertEquals("OK", from.cli("SET", key, "over tls"));
            RedisServerProcess to = secure.primaries().stream().filter(node -> node != from).findFirst().orElseThrow();

            secure.moveSlot(slot, to);

            assertEquals("over tls", to.cli("GET", key));
        }
    }
}
