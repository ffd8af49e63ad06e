package io.crier.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisConfigTest {

    private static RedisConfig config(String uri, Duration min, Duration max, int queue, Duration timeout) {
        return new RedisConfig(uri, "crier:", min, max, queue, timeout);
    }

    @Test
    void isEnabledOnlyWithAUri() {
        Duration second = Duration.ofSeconds(1);
        assertTrue(config("redis://127.0.0.1:6379", second, second, 1, second).enabled());
        assertFalse(config("", second, second, 1, second).enabled());
    }

    @Test
    void eachSchemeChoosesItsModeAndASentinelUriNeedsItsMasterAndSentinels() {
        assertEquals(RedisEndpoint.Mode.STANDALONE, RedisEndpoint.parse("redis://127.0.0.1:6379").mode());
        assertEquals(RedisEndpoint.Mode.STANDALONE, RedisEndpoint.parse("rediss://u:p@127.0.0.1:6379").mode());
        RedisEndpoint sentinel = RedisEndpoint.parse("redis-sentinel://:pw@10.0.0.1:26379,10.0.0.2#crier");
        assertEquals(RedisEndpoint.Mode.SENTINEL, sentinel.mode());
        assertEquals("master 'crier' of the sentinels at 10.0.0.1:26379,10.0.0.2:26379", sentinel.describe());
        assertFalse(sentinel.tls());
        assertTrue(RedisEndpoint.parse("rediss-sentinel://10.0.0.1:26379#crier").tls());

        assertEquals(Optional.of("must be empty or start with redis://, rediss://, redis-sentinel:// or"
                + " rediss-sentinel://"), RedisConfig.uriProblem("redis-cluster://10.0.0.1:6379", "auto"));
        assertEquals(Optional.of("must name the master after #, as in"
                + " redis-sentinel://sentinel1:26379,sentinel2:26379#mymaster"),
                RedisConfig.uriProblem("redis-sentinel://10.0.0.1:26379#", "auto"));
        assertEquals(Optional.empty(), RedisConfig.uriProblem("", "auto"));
    }

    @Test
    void clusterModeReadsSeedNodesAndEachExplicitModeMustMatchTheScheme() {
        RedisEndpoint cluster = RedisEndpoint.parse("rediss://crier:pw@10.0.0.1:7000,10.0.0.2:7001", "cluster");
        assertEquals(RedisEndpoint.Mode.CLUSTER, cluster.mode());
        assertTrue(cluster.tls());
        assertEquals("the Redis Cluster seeded by 10.0.0.1:7000,10.0.0.2:7001", cluster.describe());
        assertEquals(2, cluster.seeds().size());
        assertEquals("crier", cluster.node("10.0.0.9", 7009).getCredentialsProvider().resolveCredentials().block()
                .getUsername());
        assertTrue(cluster.node("10.0.0.9", 7009).isSsl());
        assertEquals(RedisEndpoint.Mode.STANDALONE, RedisEndpoint.parse("redis://h:6379", "standalone").mode());
        assertEquals(RedisEndpoint.Mode.SENTINEL, RedisEndpoint.parse("redis-sentinel://h:26379#m", "sentinel").mode());

        assertEquals(Optional.of("must be one of auto, standalone, sentinel, cluster"), RedisConfig.modeProblem("Cluster"));
        assertEquals(Optional.of("must start with redis:// or rediss:// and list seed nodes (redis://host1:6379,"
                + "host2:6379) with redis.mode=cluster"), RedisConfig.uriProblem("redis-sentinel://h:26379#m", "cluster"));
        assertEquals(Optional.of("must start with redis-sentinel:// or rediss-sentinel:// with redis.mode=sentinel"),
                RedisConfig.uriProblem("redis://h:6379", "sentinel"));
        assertEquals(Optional.of("must not choose a database: a Redis Cluster has only database 0"),
                RedisConfig.uriProblem("redis://h1:7000,h2:7001/2", "cluster"));
        assertEquals(Optional.of("names several hosts: that is a Redis Cluster's seed list, which needs"
                + " redis.mode=cluster"), RedisConfig.uriProblem("redis://u:a,b@h1:7000,h2:7001", "auto"));
        assertEquals(Optional.empty(), RedisConfig.uriProblem("redis://u:a,b@h1:7000", "auto"));
    }

    @Test
    void neverRepeatsAPasswordInAProblemOrALogLine() {
        String problem = RedisConfig.uriProblem("redis://user:hunter 2@10.0.0.1:6379", "auto").orElseThrow();
        assertTrue(problem.startsWith("is not a valid Redis URI ("), problem);
        assertFalse(problem.contains("hunter"), problem);

        RedisConfig sentinel = config("rediss-sentinel://crier:hunter2@10.0.0.1:26379#m", Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, Duration.ofSeconds(1));
        assertEquals("rediss-sentinel://<redacted>@10.0.0.1:26379#m", sentinel.redactedUri());
    }

    @Test
    void namesTheBadFieldByItsConfigPath() {
        Duration second = Duration.ofSeconds(1);
        IllegalArgumentException zeroDelay = assertThrows(IllegalArgumentException.class,
                () -> config("", Duration.ZERO, second, 1, second));
        assertEquals("redis.reconnectMinDelay must be above zero", zeroDelay.getMessage());
        IllegalArgumentException inverted = assertThrows(IllegalArgumentException.class,
                () -> config("", Duration.ofSeconds(2), second, 1, second));
        assertEquals("redis.reconnectMaxDelay must be at least redis.reconnectMinDelay", inverted.getMessage());
        IllegalArgumentException noQueue = assertThrows(IllegalArgumentException.class,
                () -> config("", second, second, 0, second));
        assertEquals("redis.requestQueueSize must be at least 1", noQueue.getMessage());
        IllegalArgumentException noTimeout = assertThrows(IllegalArgumentException.class,
                () -> config("", second, second, 1, Duration.ofMillis(-1)));
        assertEquals("redis.commandTimeout must be above zero", noTimeout.getMessage());
        NullPointerException noPrefix = assertThrows(NullPointerException.class,
                () -> new RedisConfig("", null, second, second, 1, second));
        assertEquals("redis.prefix", noPrefix.getMessage());
    }
}
