package io.crier.cluster;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis Sentinel set of real processes on free loopback ports, for tests: one master, one replica and three
 * sentinels (quorum 2) that watch the master as {@link #MASTER}, with {@code down-after-milliseconds} 1000 and
 * {@code failover-timeout} 3000, so that a {@link #killMaster() killed} master is replaced within a few seconds.
 * Optionally every process speaks TLS only, and the data nodes have an ACL user ({@link #USER}/{@link #PASSWORD},
 * all commands, keys and channels) beside the default one, which the replica and the sentinels use.
 *
 * <p>Every process is started and stopped by its PID through {@link RedisServerProcess}; {@link #close()} stops
 * them all. Not thread-safe: used from the test thread.
 */
public final class RedisSentinelSet implements AutoCloseable {

    /** The name the sentinels know the master by: the fragment of {@link #uri()}. */
    public static final String MASTER = "crier-master";
    /** The ACL user of {@link #withAclUser()} sets. */
    public static final String USER = "crier";
    public static final String PASSWORD = "crier-test-password";

    private static final int SENTINELS = 3;
    private static final Duration DOWN_AFTER = Duration.ofMillis(1000);
    private static final Duration FAILOVER_TIMEOUT = Duration.ofMillis(3000);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final List<RedisServerProcess> dataNodes = new ArrayList<>();
    private final List<RedisServerProcess> sentinels = new ArrayList<>();
    private final RedisTls tls;
    private final boolean aclUser;

    private RedisSentinelSet(RedisTls tls, boolean aclUser) {
        this.tls = tls;
        this.aclUser = aclUser;
    }

    /** Starts a plain set and returns once every sentinel watches the master. */
    public static RedisSentinelSet start() {
        return new RedisSentinelSet(null, false).launch();
    }

    /** Starts a set whose data nodes also have the ACL user {@link #USER}, which {@link #uri()} names. */
    public static RedisSentinelSet withAclUser() {
        return new RedisSentinelSet(null, true).launch();
    }

    /** Starts a set in which every process speaks TLS only, with {@code certificates}. */
    public static RedisSentinelSet withTls(RedisTls certificates) {
        return new RedisSentinelSet(certificates, false).launch();
    }

    private RedisSentinelSet launch() {
        try {
            RedisServerProcess master = RedisServerProcess.start(dataNode());
            dataNodes.add(master);
            dataNodes.add(RedisServerProcess.start(dataNode().with("replicaof 127.0.0.1 " + master.port())));
            await("the replica is in sync with the master").atMost(READY_TIMEOUT)
                    .until(() -> master.cli("INFO", "replication").contains("state=online"));
            // Started after the replica is in sync, so that each sentinel's first INFO of the master names it.
            for (int i = 0; i < SENTINELS; i++) {
                sentinels.add(RedisServerProcess.start(sentinel(master.port())));
            }
            for (RedisServerProcess sentinel : sentinels) {
                await(sentinel + " watches the master").atMost(READY_TIMEOUT)
                        .until(() -> masterPort(sentinel) == master.port());
            }
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * {@code redis-sentinel://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3#crier-master} ({@code rediss-sentinel://} with
     * TLS), with the ACL user's credentials when the set has one.
     */
    public String uri() {
        String scheme = tls == null ? "redis-sentinel://" : "rediss-sentinel://";
        String credentials = aclUser ? USER + ":" + PASSWORD + "@" : "";
        return scheme + credentials + sentinels.stream().map(sentinel -> "127.0.0.1:" + sentinel.port())
                .collect(Collectors.joining(",")) + "#" + MASTER;
    }

    /** The data node the sentinels name as master now. */
    public RedisServerProcess master() {
        int port = masterPort(sentinels.get(0));
        return dataNodes.stream().filter(node -> node.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("the sentinels name an unknown master on port " + port));
    }

    /** The data node that is not the master now. */
    public RedisServerProcess replica() {
        RedisServerProcess master = master();
        return dataNodes.stream().filter(node -> node != master).findFirst().orElseThrow();
    }

    /** The sentinels, for tests that ask them themselves. */
    public List<RedisServerProcess> sentinels() {
        return List.copyOf(sentinels);
    }

    /**
     * Waits until the sentinels know each other and the replica, as a failover needs (they find each other
     * through the master's hello channel, every 2 s).
     */
    public void awaitReadyForFailover() {
        for (RedisServerProcess sentinel : sentinels) {
            await(sentinel + " knows the other sentinels and the replica").atMost(READY_TIMEOUT).until(() -> {
                String master = sentinel.cli("SENTINEL", "MASTER", MASTER);
                return master.contains("num-other-sentinels\n" + (SENTINELS - 1)) && master.contains("num-slaves\n1");
            });
        }
    }

    /** Kills the current master with SIGKILL, as a crash would, and returns it (dead). */
    public RedisServerProcess killMaster() {
        RedisServerProcess master = master();
        master.kill();
        return master;
    }

    /**
     * Waits until every sentinel names another master than {@code old} and that node says it is a master, and
     * returns the new master.
     */
    public RedisServerProcess awaitFailover(RedisServerProcess old, Duration timeout) {
        await("the sentinels promote a replica").atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() ->
                sentinels.stream().allMatch(sentinel -> masterPort(sentinel) != old.port()));
        RedisServerProcess promoted = master();
        await(promoted + " acts as master").atMost(timeout)
                .until(() -> promoted.cli("ROLE").startsWith("master"));
        return promoted;
    }

    /** Stops every process of the set. Idempotent. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (RedisServerProcess process : concat(sentinels, dataNodes)) {
            try {
                process.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        sentinels.clear();
        dataNodes.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private RedisServerSetup dataNode() {
        RedisServerSetup setup = tls == null ? RedisServerSetup.plain() : RedisServerSetup.plain().withTls(tls);
        return aclUser ? setup.with("user " + USER + " on >" + PASSWORD + " ~* &* +@all") : setup;
    }

    private RedisServerSetup sentinel(int masterPort) {
        RedisServerSetup setup = tls == null ? RedisServerSetup.plain() : RedisServerSetup.plain().withTls(tls);
        return setup.asSentinel().with("sentinel monitor " + MASTER + " 127.0.0.1 " + masterPort + " 2",
                "sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER.toMillis(),
                "sentinel failover-timeout " + MASTER + " " + FAILOVER_TIMEOUT.toMillis());
    }

    /** The master's port as {@code sentinel} names it now, or -1 while it names none. */
    private static int masterPort(RedisServerProcess sentinel) {
        String[] address = sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER).split("\n");
        return address.length == 2 ? Integer.parseInt(address[1].strip()) : -1;
    }

    private static List<RedisServerProcess> concat(List<RedisServerProcess> first, List<RedisServerProcess> second) {
        List<RedisServerProcess> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    @Override
    public String toString() {
        return "sentinel set " + uri();
    }
}
