package io.crier.cluster.redis;

import static io.crier.cluster.HistoryStoreContract.complete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.RecordingListener;
import io.crier.cluster.RedisSentinelSet;
import io.crier.cluster.RedisServerProcess;
import io.crier.cluster.RedisServerSetup;
import io.crier.cluster.RedisTls;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each wrong setup of the Redis link gives its own sentence at once, well within the command timeout, and the
 * link does not claim it can serve: a sentinel that does not know the master's name, a Sentinel URI that names a
 * data node, a standalone URI that names a sentinel or a Cluster node, a Redis without functions, refused or
 * missing credentials, and TLS whose certificate is not trusted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisMisconfigurationIT {

    /** Half the 2 s command timeout of the test config: an answer this fast did not wait for a timeout. */
    private static final Duration FAST = Duration.ofSeconds(1);

    @RegisterExtension
    static final RedisSetup SENTINELS = RedisSetup.sentinel();

    @Test
    void aSentinelThatDoesNotKnowTheMasterNameIsToldSo() throws Exception {
        String uri = SENTINELS.set().uri().replace("#" + RedisSentinelSet.MASTER, "#no-such-master");
        RedisLink link = SENTINELS.link(RedisBrokerIT.config(uri, "crier:", 10_000));

        try (RedisBroker broker = new RedisBroker(link)) {
            Throwable failure = failsFast(broker.start(new RecordingListener()));

            assertEquals("the sentinels at " + sentinelAddresses() + " do not know a master named 'no-such-master'"
                    + " (SENTINEL get-master-addr-by-name answered nothing): check the name after # in redis.uri",
                    link.explain(failure));
        }
    }

    @Test
    void aSentinelUriThatNamesADataNodeIsToldItIsNoSentinel() throws Exception {
        int data = SENTINELS.set().master().port();
        RedisLink link = SENTINELS.link(RedisBrokerIT.config("redis-sentinel://127.0.0.1:" + data + "#"
                + RedisSentinelSet.MASTER, "crier:", 10_000));

        try (RedisBroker broker = new RedisBroker(link)) {
            Throwable failure = failsFast(broker.start(new RecordingListener()));

            assertEquals("the server at 127.0.0.1:" + data + " is not a Sentinel (it does not know the SENTINEL"
                    + " command): for a standalone Redis use redis:// or rediss://", link.explain(failure));
        }
    }

    @Test
    void aStandaloneUriThatNamesASentinelCannotServe() throws Exception {
        RedisServerProcess sentinel = SENTINELS.set().sentinels().get(0);
        RedisLink link = SENTINELS.link(RedisBrokerIT.config(sentinel.uri(), "crier:", 10_000));

        try (RedisHistoryStore history = new RedisHistoryStore(link)) {
            Throwable failure = failsFast(history.start());

            assertEquals("Redis at 127.0.0.1:" + sentinel.port() + " cannot serve: it is a Sentinel, not a Redis data"
                    + " node: name the sentinels with redis-sentinel://host:26379,host2:26379#master (or"
                    + " rediss-sentinel:// for TLS)", failure.getMessage());
            assertFalse(history.ready());
        }
    }

    @Test
    void aRedisClusterNodeNeedsClusterModeAndAClusterThatServesNoSlotsIsToldSo() throws Exception {
        try (RedisServerProcess clusterNode = RedisServerProcess.start(RedisServerSetup.plain()
                .with("cluster-enabled yes", "cluster-config-file nodes.conf"))) {
            RedisLink link = SENTINELS.link(RedisBrokerIT.config(clusterNode.uri(), "crier:", 10_000));
            try (RedisHistoryStore history = new RedisHistoryStore(link)) {
                Throwable failure = failsFast(history.start());

                assertEquals("Redis at 127.0.0.1:" + clusterNode.port() + " cannot serve: it is a Redis Cluster node:"
                        + " set redis.mode=cluster and list seed nodes in redis.uri (redis://host1:6379,host2:6379)",
                        failure.getMessage());
            }
            RedisLink clusterLink = SENTINELS.link(RedisBrokerIT.config(clusterNode.uri(), "cluster", "crier:", 10_000));
            try (RedisHistoryStore history = new RedisHistoryStore(clusterLink)) {
                Throwable failure = failsFast(history.start());

                assertEquals("Redis at the Redis Cluster seeded by 127.0.0.1:" + clusterNode.port() + " cannot serve:"
                        + " the Redis Cluster serves only 0 of 16384 slots (cluster_state:fail): assign the others,"
                        + " for example with redis-cli --cluster fix <host:port>", clusterLink.explain(failure));
                assertFalse(history.ready());
            }
        }
    }

    @Test
    void clusterModeAgainstAStandaloneRedisSaysItIsNotAClusterNode() throws Exception {
        RedisLink link = SENTINELS.link(RedisBrokerIT.config(SENTINELS.set().master().uri(), "cluster", "crier:", 10_000));
        try (RedisHistoryStore history = new RedisHistoryStore(link)) {
            Throwable failure = failsFast(history.start());

            assertEquals("Redis at the Redis Cluster seeded by 127.0.0.1:" + SENTINELS.set().master().port()
                    + " cannot serve: it is a standalone Redis, not a Redis Cluster node: with one Redis, leave"
                    + " redis.mode at auto", link.explain(failure));
        }
    }

    @Test
    void aRedisWithoutFunctionsCannotServeAndAPublisherSaysWhyAtOnce() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start(RedisServerSetup.plain()
                .with("rename-command FUNCTION \"\""))) {
            RedisLink link = SENTINELS.link(RedisBrokerIT.config(redis.uri(), "crier:", 10_000));
            try (RedisHistoryStore history = new RedisHistoryStore(link)) {
                Throwable failure = failsFast(history.start());

                assertTrue(failure.getMessage().startsWith("Redis at 127.0.0.1:" + redis.port() + " cannot serve: it"
                        + " does not know the FUNCTION command (ERR unknown command"), failure.getMessage());
                assertTrue(failure.getMessage().endsWith("Crier needs Redis 7.0 or newer, with FUNCTION not renamed"
                        + " or disabled"), failure.getMessage());
                assertFalse(history.ready());
            }
            BrokerUnavailableException publisher = assertThrows(BrokerUnavailableException.class,
                    () -> Publisher.connect(RedisBrokerIT.config(redis.uri(), "crier:", 10_000)));
            assertTrue(publisher.getMessage().contains("does not know the FUNCTION command"), publisher.getMessage());
        }
    }

    @Test
    void refusedAndMissingCredentialsAreToldApart() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start(RedisServerSetup.plain()
                .with("user default on >default-password ~* &* +@all", "user crier on >right ~* &* +@all"))) {
            RedisLink wrong = SENTINELS.link(RedisBrokerIT.config("redis://crier:wrong@127.0.0.1:" + redis.port(),
                    "crier:", 10_000));
            RedisLink none = SENTINELS.link(RedisBrokerIT.config("redis://127.0.0.1:" + redis.port(), "crier:", 10_000));
            try (RedisBroker refused = new RedisBroker(wrong); RedisBroker missing = new RedisBroker(none)) {
                String refusal = wrong.explain(failsFast(refused.start(new RecordingListener())));
                String absence = none.explain(failsFast(missing.start(new RecordingListener())));

                assertEquals("Redis at 127.0.0.1:" + redis.port() + " refused the user and password of redis.uri"
                        + " (WRONGPASS invalid username-password pair or user is disabled.)", refusal);
                assertEquals("Redis at 127.0.0.1:" + redis.port() + " needs a password: give [user:]password@ in"
                        + " redis.uri", absence);
                assertFalse(refusal.contains("wrong"), "never the password");
            }
        }
    }

    @Test
    void aTlsCertificateThatIsNotTrustedIsToldSo() throws Exception {
        try (RedisTls certificates = RedisTls.create();
             RedisServerProcess redis = RedisServerProcess.start(RedisServerSetup.plain().withTls(certificates))) {
            // No redis.tlsCaFile: the JVM's trust store does not know the test CA.
            RedisLink link = SENTINELS.link(RedisBrokerIT.config(redis.uri(), "crier:", 10_000));
            try (RedisBroker broker = new RedisBroker(link)) {
                String problem = link.explain(failsFast(broker.start(new RecordingListener())));

                assertTrue(problem.startsWith("TLS with Redis at 127.0.0.1:" + redis.port() + " failed ("), problem);
                assertTrue(problem.endsWith("): check that it serves TLS and that redis.tlsCaFile (or the JVM's trust"
                        + " store) has the CA that signed it"), problem);
            }
        }
    }

    private String sentinelAddresses() {
        return String.join(",", SENTINELS.set().sentinels().stream().map(s -> "127.0.0.1:" + s.port()).toList());
    }

    /** The failure of {@code stage}, which must come within {@link #FAST}. */
    private static Throwable failsFast(CompletionStage<?> stage) {
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(FAST.toMillis(), TimeUnit.MILLISECONDS));
        return assertInstanceOf(BrokerUnavailableException.class, failure.getCause());
    }
}
