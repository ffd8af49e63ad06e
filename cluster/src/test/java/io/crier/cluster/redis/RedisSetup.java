package io.crier.cluster.redis;

import io.crier.cluster.RedisSentinelSet;
import io.crier.cluster.RedisServerProcess;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Redis of one test class, as a JUnit extension registered on a {@code static} field: one standalone
 * {@code redis-server} ({@link #standalone()}) or a Sentinel set of one master, one replica and three sentinels
 * ({@link #sentinel()}), started before the class and stopped after it; the {@link RedisLink}s its tests open are
 * closed after each test (after the test's own stores, which close their connections in their {@code @AfterEach}).
 * Used from the test thread only.
 */
final class RedisSetup implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final boolean sentinel;
    private final TestLinks links = new TestLinks();
    private RedisServerProcess server;
    private RedisSentinelSet set;

    private RedisSetup(boolean sentinel) {
        this.sentinel = sentinel;
    }

    /** One standalone {@code redis-server}. */
    static RedisSetup standalone() {
        return new RedisSetup(false);
    }

    /** A Sentinel set (one master, one replica, three sentinels). */
    static RedisSetup sentinel() {
        return new RedisSetup(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (sentinel) {
            set = RedisSentinelSet.start();
        } else {
            server = RedisServerProcess.start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        links.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (sentinel) {
            set.close();
        } else {
            server.close();
        }
    }

    /** The standalone server (for {@code redis-cli}); only with {@link #standalone()}. */
    RedisServerProcess server() {
        if (server == null) {
            throw new IllegalStateException("a Sentinel setup has no one server: use set()");
        }
        return server;
    }

    /** The running Sentinel set; only with {@link #sentinel()}. */
    RedisSentinelSet set() {
        if (set == null) {
            throw new IllegalStateException("a standalone setup has no Sentinel set: use server()");
        }
        return set;
    }

    /** The URI a node would be given: the server's, or the sentinels' with the master's name. */
    String uri() {
        return sentinel ? set.uri() : server.uri();
    }

    /** A link to this Redis, with the tests' fast reconnects and {@code prefix}, closed after the test. */
    RedisLink link(String prefix) {
        return links.open(RedisBrokerIT.config(uri(), prefix, 10_000));
    }

    /** A link for {@code config}, closed after the test. */
    RedisLink link(RedisConfig config) {
        return links.open(config);
    }
}
