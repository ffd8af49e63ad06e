package io.crier.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What {@link RedisProblems} reads in {@code INFO server}. Redis older than 7.0 cannot run here (Debian ships
 * 7.0), so its answer is the text such a server sends; the ITs run the other cases against real servers.
 */
class RedisProblemsTest {

    @Test
    void aRedisOlderThanSevenIsTooOldForTheFunctionLibrary() {
        String redis62 = "# Server\r\nredis_version:6.2.14\r\nredis_git_sha1:00000000\r\nredis_mode:standalone\r\n";

        assertEquals(Optional.of("it is Redis 6.2, and Crier needs Redis 7.0 or newer (the crier function library)"),
                RedisProblems.unfitServer(redis62, false));
    }

    @Test
    void aSentinelOrAClusterNodeIsTheWrongModeAndAStandaloneSevenIsFit() {
        String cluster = "redis_version:7.2.4\r\nredis_mode:cluster\r\n";
        assertEquals(Optional.of("it is a Redis Cluster node: set redis.mode=cluster and list seed nodes in redis.uri"
                + " (redis://host1:6379,host2:6379)"), RedisProblems.unfitServer(cluster, false));
        assertEquals(Optional.empty(), RedisProblems.unfitServer(cluster, true));
        String sentinel = "redis_version:7.0.15\r\nredis_mode:sentinel\r\n";
        assertEquals(true, RedisProblems.unfitServer(sentinel, false).isPresent());
        assertEquals(true, RedisProblems.unfitServer(sentinel, true).isPresent());
        String standalone = "redis_version:7.0.15\r\nredis_mode:standalone\r\n";
        assertEquals(Optional.empty(), RedisProblems.unfitServer(standalone, false));
        assertEquals(Optional.of("it is a standalone Redis, not a Redis Cluster node: with one Redis, leave redis.mode"
                + " at auto"), RedisProblems.unfitServer(standalone, true));
        assertEquals(Optional.empty(), RedisProblems.unfitServer("redis_version:8.0.1\r\nredis_mode:standalone\r\n",
                false));
    }

    @Test
    void aClusterWithSlotsNoPrimaryServesOrThatSaysItIsDownIsUnfit() {
        assertEquals(Optional.empty(), RedisProblems.unfitCluster(
                "cluster_enabled:1\r\ncluster_state:ok\r\ncluster_slots_assigned:16384\r\n"));
        assertEquals(Optional.of("the Redis Cluster serves only 10923 of 16384 slots (cluster_state:fail): assign the"
                + " others, for example with redis-cli --cluster fix <host:port>"), RedisProblems.unfitCluster(
                "cluster_state:fail\r\ncluster_slots_assigned:10923\r\n"));
        assertEquals(true, RedisProblems.unfitCluster("cluster_state:fail\r\ncluster_slots_assigned:16384\r\n")
                .orElseThrow().contains("says it is down"));
    }
}
