package io.crier.cluster.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link RedisLink}s a test opens, closed together after it (a store closes its own connections, never the
 * link it shares), after the stores registered with {@link #closeFirst}. Not thread-safe: used from the test
 * thread.
 */
final class TestLinks implements AutoCloseable {

    private final List<RedisLink> links = new ArrayList<>();
    private final List<AutoCloseable> users = new ArrayList<>();

    /** A new link for {@code config}, closed by {@link #close()}. */
    RedisLink open(RedisConfig config) {
        RedisLink link = new RedisLink(config);
        links.add(link);
        return link;
    }

    /** {@code user} of a link, closed by {@link #close()} before the links (in the order registered). */
    <T extends AutoCloseable> T closeFirst(T user) {
        users.add(user);
        return user;
    }

    @Override
    public void close() {
        for (AutoCloseable user : users) {
            try {
                user.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + user + " failed", e);
            }
        }
        users.clear();
        links.forEach(RedisLink::close);
        links.clear();
    }
}
