package io.crier.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.UserSession;
import io.crier.protocol.UserStatusEvent;
import io.crier.cluster.UserStatusLog;
import io.crier.cluster.UserStatusLogContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The user status contract on {@link RedisUserStatusLog} against a real redis-server, plus what only Redis does. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisUserStatusLogIT extends UserStatusLogContract {

    @RegisterExtension
    static final RedisSetup REDIS = RedisSetup.standalone();

    private String prefix;

    @Override
    protected UserStatusLog newLog(String prefix) {
        this.prefix = prefix;
        return open(REDIS.link(RedisBrokerIT.config(REDIS.server().uri(), prefix, 10_000)), "n1");
    }

    @Override
    protected void advance(Duration time) {
        // Real time: Redis' clock runs on its own.
    }

    /** A connected log with the contract's times, its sweeper lock owned by {@code owner}. */
    static RedisUserStatusLog open(RedisLink link, String owner) {
        RedisUserStatusLog log = new RedisUserStatusLog(link, new RedisUserStatusLog.Settings("online-events", 10_000,
                LEASE, GRACE, Duration.ofSeconds(3)), owner);
        try {
            get(log.connected());
            return log;
        } catch (Exception e) {
            log.close();
            throw new IllegalStateException("the user status log did not connect", e);
        }
    }

    @Test
    void theLogIsAStreamABackendReadsWithRedisCliAndOutboxesAreEmptiedBySweeps() throws Exception {
        RedisUserStatusLog log = (RedisUserStatusLog) log();
        complete(log.open(new UserSession("alice", "s1", "n1")));
        assertEquals("0", REDIS.server().cli("XLEN", prefix + "online-events"), "appended by the sweeper");

        assertEquals(1, get(log.sweep()));

        assertEquals("1", REDIS.server().cli("XLEN", prefix + "online-events"));
        String entry = REDIS.server().cli("XRANGE", prefix + "online-events", "-", "+");
        assertTrue(entry.contains("user\nalice\ntype\nonline\nseq\n1\nts\n"), entry);
        assertTrue(entry.endsWith("node\nn1"), entry);
        assertEquals("0", REDIS.server().cli("XLEN", log.bucketKeys("alice")[6]));
        assertEquals(0, get(log.sweep()), "nothing twice");
    }

    @Test
    void oneNodeSweepsAtATimeAndAnotherTakesOverWhenItsLockIsGone() throws Exception {
        RedisUserStatusLog first = (RedisUserStatusLog) log();
        RedisUserStatusLog second = open(REDIS.link(RedisBrokerIT.config(REDIS.server().uri(), prefix, 10_000)), "n2");
        try {
            complete(first.open(new UserSession("alice", "s1", "n1")));
            assertEquals(1, get(first.sweep()));
            complete(second.open(new UserSession("bob", "s2", "n2")));
            assertEquals(0, get(second.sweep()), "n1 holds the lock");

            REDIS.server().cli("DEL", "{" + prefix + "online}:sweeper");

            assertEquals(1, get(second.sweep()));
            assertEquals(0, get(first.sweep()), "n2 holds the lock now");
            assertEquals(List.of("alice online n1", "bob online n2"), described(get(first.read("0", 100))));
        } finally {
            second.close();
        }
    }

    @Test
    void aRenewalAfterRedisLostItsDataBringsTheLiveUsersBackOnlineWithSeqFromOne() throws Exception {
        RedisUserStatusLog log = (RedisUserStatusLog) log();
        UserSession alice = new UserSession("alice", "s1", "n1");
        complete(log.open(alice));
        complete(log.open(new UserSession("bob", "s2", "n1")));
        get(log.sweep());

        REDIS.server().cli("FLUSHALL");
        complete(log.renew(List.of(alice)));
        get(log.sweep());

        List<UserStatusEvent> events = get(log.read("0", 100));
        assertEquals(List.of("alice online n1"), described(events));
        assertEquals(1, events.get(0).seq(), "the counter was lost with the rest: ts tells a consumer");
    }

    @Test
    void anEntryWrittenByHandIsSkippedAndCounted() throws Exception {
        RedisUserStatusLog log = (RedisUserStatusLog) log();
        REDIS.server().cli("XADD", prefix + "online-events", "*", "user", "x", "type", "gone");
        complete(log.open(new UserSession("alice", "s1", "n1")));
        get(log.sweep());

        List<UserStatusEvent> events = get(log.read("0", 100));

        assertEquals(List.of("alice online n1"), described(events));
        assertEquals(1, log.malformedEntries());
    }
}
