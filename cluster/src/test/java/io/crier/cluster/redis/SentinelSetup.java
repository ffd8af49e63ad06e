package io.crier.cluster.redis;

import io.crier.cluster.RedisSentinelSet;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Sentinel set (one master, one replica, three sentinels) for one test class, as a JUnit extension registered on
 * a {@code static} field: started before the class, stopped after it; the {@link RedisLink}s its tests open are
 * closed after each test (after the test's own stores, which close their connections in their {@code @AfterEach}).
 * Used from the test thread only.
 */
final class SentinelSetup implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final TestLinks links = new TestLinks();
    private RedisSentinelSet set;

    @Override
    public void beforeAll(ExtensionContext context) {
        set = RedisSentinelSet.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        links.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        set.close();
    }

    /** The running set. */
    RedisSentinelSet set() {
        return set;
    }

    /** A link to the set's master through the sentinels, with the tests' fast reconnects and {@code prefix}. */
    RedisLink link(String prefix) {
        return links.open(RedisBrokerIT.config(set.uri(), prefix, 10_000));
    }

    /** A link for {@code config}, closed after the test. */
    RedisLink link(RedisConfig config) {
        return links.open(config);
    }
}
