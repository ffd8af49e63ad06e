package io.crier.cluster.redis;

import io.crier.cluster.UserStatusLog;
import io.crier.cluster.UserStatusLogContract;
import java.time.Duration;
import org.junit.jupiter.api.TestInstance;

/**
 * The user status contract on {@link RedisUserStatusLog} on the Redis of a subclass's {@link RedisSetup} (a Sentinel
 * set, a Redis Cluster, where the buckets' keys and the log live in different slots), in real time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RedisUserStatusLogSuite extends UserStatusLogContract {

    /** The Redis the suite runs on: the subclass's static {@code RedisSetup} extension. */
    protected abstract RedisSetup redis();

    @Override
    protected UserStatusLog newLog(String prefix) {
        return RedisUserStatusLogIT.open(redis().link(prefix), "n1");
    }

    @Override
    protected void advance(Duration time) {
        // Real time: Redis' clock runs on its own.
    }
}
