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
                RedisProblems.unfitServer(redis62));
    }

    @Test
    void aSentinelOrAClusterNodeIsTheWrongModeAndAStandaloneSevenIsFit() {
        assertEquals(Optional.of("it is a Redis Cluster node, and Crier does not support Redis Cluster yet"),
                RedisProblems.unfitServer("redis_version:7.2.4\r\nredis_mode:cluster\r\n"));
        assertEquals(true, RedisProblems.unfitServer("redis_version:7.0.15\r\nredis_mode:sentinel\r\n").isPresent());
        assertEquals(Optional.empty(), RedisProblems.unfitServer("redis_version:7.0.15\r\nredis_mode:standalone\r\n"));
        assertEquals(Optional.empty(), RedisProblems.unfitServer("redis_version:8.0.1\r\nredis_mode:standalone\r\n"));
    }
}
