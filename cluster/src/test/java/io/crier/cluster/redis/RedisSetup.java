package io.crier.cluster.redis;

import io.crier.cluster.RedisClusterSet;
import io.crier.cluster.RedisSentinelSet;
import io.crier.cluster.RedisServerProcess;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Redis of one test class, as a JUnit extension registered on a {@code static} field: one standalone
 * {@code redis-server} ({@link #standalone()}), a Sentinel set of one master, one replica and three sentinels
 * ({@link #sentinel()}) or a Redis Cluster of three primaries with a replica each ({@link #cluster()}), started
 * before the class and stopped after it; the {@link RedisLink}s its tests open are closed after each test (after the
 * test's own stores, which close their connections in their {@code @AfterEach}). Used from the test thread only.
 */
final class RedisSetup implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private enum Kind { STANDALONE, SENTINEL, CLUSTER }

    private final Kind kind;
    private final TestLinks links = new TestLinks();
    private RedisServerProcess server;
    private RedisSentinelSet set;
    private RedisClusterSet clusterSet;

    private RedisSetup(Kind kind) {
        this.kind = kind;
    }

    /** One standalone {@code redis-server}. */
    static RedisSetup standalone() {
        return new RedisSetup(Kind.STANDALONE);
    }

    /** A Sentinel set (one master, one replica, three sentinels). */
    static RedisSetup sentinel() {
        return new RedisSetup(Kind.SENTINEL);
    }

    /** A Redis Cluster (three primaries with one replica each). */
    static RedisSetup cluster() {
        return new RedisSetup(Kind.CLUSTER);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        switch (kind) {
            case STANDALONE -> server = RedisServerProcess.start();
            case SENTINEL -> set = RedisSentinelSet.start();
            case CLUSTER -> clusterSet = RedisClusterSet.start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        links.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        switch (kind) {
            case STANDALONE -> server.close();
            case SENTINEL -> set.close();
            case CLUSTER -> clusterSet.close();
        }
    }

    /** The standalone server (for {@code redis-cli}); only with {@link #standalone()}. */
    RedisServerProcess server() {
        if (server == null) {
            throw new IllegalStateException("a " + kind + " setup has no one server");
        }
        return server;
    }

    /** The running Sentinel set; only with {@link #sentinel()}. */
    RedisSentinelSet set() {
        if (set == null) {
            throw new IllegalStateException("a " + kind + " setup has no Sentinel set");
        }
        return set;
    }

    /** The running Redis Cluster; only with {@link #cluster()}. */
    RedisClusterSet clusterSet() {
        if (clusterSet == null) {
            throw new IllegalStateException("a " + kind + " setup has no Redis Cluster");
        }
        return clusterSet;
    }

    /** The URI a node would be given: the server's, the sentinels' with the master's name, or the cluster's seeds. */
    String uri() {
        return switch (kind) {
            case STANDALONE -> server.uri();
            case SENTINEL -> set.uri();
            case CLUSTER -> clusterSet.seedUri();
        };
    }

    /** A link to this Redis, with the tests' fast reconnects and {@code prefix}, closed after the test. */
    RedisLink link(String prefix) {
        return links.open(RedisBrokerIT.config(uri(), kind == Kind.CLUSTER ? "cluster" : "auto", prefix, 10_000));
    }

    /** A link for {@code config}, closed after the test. */
    RedisLink link(RedisConfig config) {
        return links.open(config);
    }
}
