package io.crier.cluster.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link RedisLink}s a test opens, closed together after it (a store closes its own connections, never the
 * link it shares). Not thread-safe: used from the test thread.
 */
final class TestLinks implements AutoCloseable {

    private final List<RedisLink> links = new ArrayList<>();

    /** A new link for {@code config}, closed by {@link #close()}. */
    RedisLink open(RedisConfig config) {
        RedisLink link = new RedisLink(config);
        links.add(link);
        return link;
    }

    @Override
    public void close() {
        links.forEach(RedisLink::close);
        links.clear();
    }
}
