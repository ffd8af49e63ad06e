package io.crier.cluster.redis;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.StatusLogId;
import io.crier.cluster.UserSession;
import io.crier.protocol.UserStatusEvent;
import io.crier.cluster.UserStatusLog;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link UserStatusLog} of a fleet, in Redis. The log is the stream {@code <P><stream>} (with
 * {@code redis.prefix} {@code <P>}), trimmed with {@code XADD ... MAXLEN ~ maxLen}; its entries have the fields
 * {@code user, type, seq, ts, node}.
 *
 * <p>Users are spread over {@value #BUCKETS} buckets (CRC-32 of the user id); bucket {@code b} keeps its users'
 * leases, pending offlines, sequence counter and outbox in seven keys with the hash tag {@code {<P>online:b}}, so
 * every transition is one atomic script ({@link UserStatusScript}) on one slot, in standalone, Sentinel and Redis
 * Cluster mode alike. A transition goes to its bucket's outbox stream first; the sweeper copies the outbox to the
 * log (a key in a slot of its own, which no script can reach on a Redis Cluster) and then deletes what it copied,
 * so a sweeper that dies in between makes the next one copy the entries again: delivery is at least once, and the
 * per-user {@code seq} lets a consumer drop the repeats.
 *
 * <p>The sweeper: every {@link #sweep} first takes or renews the lock {@code {<P>online}:sweeper}
 * ({@code SET NX PX lockTtl}, owned by this node's id); only the holder lapses leases, appends due offlines and
 * moves outboxes, {@value #SWEEP_LIMIT} of each per bucket and call. A holder that dies is replaced after
 * {@code lockTtl}.
 *
 * <p>Connects at construction, in the background, with {@link RedisLink}'s bounded queue and backoff; until
 * connected, and while Redis is down, every operation fails at once with {@link BrokerUnavailableException}.
 *
 * <p>Thread-safe; stages complete on Lettuce's threads. Do not call {@link #close()} from one.
 */
public final class RedisUserStatusLog implements UserStatusLog {

    /** How many buckets users are spread over: fixed, since every node of a fleet must agree on it. */
    public static final int BUCKETS = 16;
    /** Leases lapsed, offlines appended and outbox entries moved per bucket and sweep. */
    static final int SWEEP_LIMIT = 1000;
    /** Sessions per renewal script call: bounds one command's size. */
    static final int SESSIONS_PER_CALL = 500;

    private static final Logger log = LoggerFactory.getLogger(RedisUserStatusLog.class);
    private static final LuaScript LOCK = new LuaScript("""
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
            if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
            return 0
            """);

    private final String prefix;
    private final String stream;
    private final String lockKey;
    private final byte[] owner;
    private final byte[] leaseMillis;
    private final byte[] graceMillis;
    private final byte[] lockMillis;
    private final long maxLen;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final AtomicLong malformed = new AtomicLong();
    private volatile CommandConnection connection;
    private volatile boolean closed;

    /**
     * @param link     the node's link to Redis (its {@code prefix} begins every key)
     * @param settings the log's name, bound and times
     * @param owner    this node's id: owns the sweeper lock while it holds it
     */
    public RedisUserStatusLog(RedisLink link, Settings settings, String owner) {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(settings, "settings");
        this.prefix = link.config().prefix();
        this.stream = prefix + settings.stream();
        this.lockKey = "{" + prefix + "online}:sweeper";
        this.owner = text(Objects.requireNonNull(owner, "owner"));
        this.leaseMillis = number(settings.lease().toMillis());
        this.graceMillis = number(settings.grace().toMillis());
        this.lockMillis = number(settings.lockTtl().toMillis());
        this.maxLen = settings.maxLen();
        link.openCommands("user status log", this::adopt, error -> { }, () -> closed);
    }

    /**
     * What a {@link RedisUserStatusLog} needs to know.
     *
     * @param stream  the log's key after the prefix
     * @param maxLen  the log's (and each outbox's) approximate length bound
     * @param lease   how long a session's lease lives without a renewal
     * @param grace   how long an offline stays pending
     * @param lockTtl how long the sweeper lock outlives its holder's last sweep
     */
    public record Settings(String stream, long maxLen, Duration lease, Duration grace, Duration lockTtl) {

        public Settings {
            Objects.requireNonNull(stream, "stream");
            if (stream.isEmpty() || maxLen < 1 || lease.toMillis() < 1 || grace.isNegative()
                    || lockTtl.toMillis() < 1) {
                throw new IllegalArgumentException("a stream name, maxLen >= 1, lease and lockTtl >= 1ms and"
                        + " grace >= 0 are needed");
            }
        }
    }

    /** Completes once the first connection is open (for tests; operations fail until then). */
    public CompletionStage<Void> connected() {
        return connected;
    }

    /** The Redis key of the log. */
    public String streamKey() {
        return stream;
    }

    /** How many log or outbox entries could not be read (written by something else than a node); skipped. */
    public long malformedEntries() {
        return malformed.get();
    }

    /** The seven keys of the bucket of {@code user}, all with the bucket's hash tag. */
    String[] bucketKeys(String user) {
        return bucketKeys(bucket(user));
    }

    @Override
    public CompletionStage<Void> open(UserSession session) {
        Objects.requireNonNull(session, "session");
        return call("user lease", redis -> UserStatusScript.LEASE.<Long>run(redis, ScriptOutputType.INTEGER,
                bucketKeys(session.user()), number(maxLen), leaseMillis, graceMillis, text(session.sessionId()),
                text(session.user()), text(session.node()))).thenApply(ignored -> null);
    }

    @Override
    public CompletionStage<Void> end(UserSession session) {
        Objects.requireNonNull(session, "session");
        return call("user lease end", redis -> UserStatusScript.END.<Long>run(redis, ScriptOutputType.INTEGER,
                bucketKeys(session.user()), number(maxLen), graceMillis, text(session.sessionId())))
                .thenApply(ignored -> null);
    }

    /** {@inheritDoc} One chain of script calls per bucket ({@value #SESSIONS_PER_CALL} sessions each), the chains in parallel. */
    @Override
    public CompletionStage<Void> renew(List<UserSession> sessions) {
        Objects.requireNonNull(sessions, "sessions");
        Map<Integer, List<UserSession>> byBucket = new LinkedHashMap<>();
        for (UserSession session : sessions) {
            byBucket.computeIfAbsent(bucket(session.user()), key -> new ArrayList<>()).add(session);
        }
        CompletableFuture<?>[] chains = byBucket.entrySet().stream()
                .map(bucket -> renewChunks(bucket.getKey(), bucket.getValue(), 0).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(chains);
    }

    /** {@inheritDoc} Does nothing (answers 0) while another node holds the sweeper lock, or a sweep is running here. */
    @Override
    public CompletionStage<Integer> sweep() {
        if (!sweeping.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(0);
        }
        CompletionStage<Integer> swept = call("user status sweeper lock", redis -> LOCK.<Long>run(redis,
                ScriptOutputType.INTEGER, new String[] {lockKey}, owner, lockMillis))
                .thenCompose(held -> held == 1 ? sweepBuckets(0, 0) : CompletableFuture.completedFuture(0));
        return swept.whenComplete((count, error) -> sweeping.set(false));
    }

    @Override
    public CompletionStage<List<UserStatusEvent>> read(String afterId, int limit) {
        StatusLogId after = StatusLogId.parse(afterId);
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        return call("user status read", redis -> redis.xrange(stream, Range.from(
                        Range.Boundary.excluding(after.toString()), Range.Boundary.unbounded()),
                Limit.from(Math.min(limit, MAX_READ)))).thenApply(this::events);
    }

    /** {@inheritDoc} Blocks until Lettuce's threads are stopped (at most a few seconds). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        connected.completeExceptionally(new BrokerUnavailableException("the user status log was closed"));
        if (connection != null) {
            connection.close();
        }
    }

    private CompletionStage<Void> renewChunks(int bucket, List<UserSession> sessions, int from) {
        if (from >= sessions.size()) {
            return CompletableFuture.completedFuture(null);
        }
        List<UserSession> chunk = sessions.subList(from, Math.min(sessions.size(), from + SESSIONS_PER_CALL));
        byte[][] args = new byte[3 + 3 * chunk.size()][];
        args[0] = number(maxLen);
        args[1] = leaseMillis;
        args[2] = graceMillis;
        int i = 3;
        for (UserSession session : chunk) {
            args[i++] = text(session.sessionId());
            args[i++] = text(session.user());
            args[i++] = text(session.node());
        }
        return call("user lease renewal", redis -> UserStatusScript.LEASE.<Long>run(redis, ScriptOutputType.INTEGER,
                bucketKeys(bucket), args)).thenCompose(ignored -> renewChunks(bucket, sessions, from + SESSIONS_PER_CALL));
    }

    /**
     * Sweeps bucket {@code bucket} and those after it, one at a time; completes with the entries moved to the log. A
     * bucket that fails (its Redis Cluster shard is down) does not keep the others from being swept: the stage then
     * fails (with one of the failures) once all have been tried.
     */
    private CompletionStage<Integer> sweepBuckets(int bucket, int moved) {
        if (bucket >= BUCKETS || closed) {
            return CompletableFuture.completedFuture(moved);
        }
        String[] keys = bucketKeys(bucket);
        CompletableFuture<Integer> swept = call("user status sweep", redis -> UserStatusScript.SWEEP.<List<Object>>run(
                redis, ScriptOutputType.MULTI, keys, number(maxLen), graceMillis, number(SWEEP_LIMIT)))
                .thenCompose(outbox -> publish(keys[6], outbox)).toCompletableFuture();
        return swept.handle((count, error) -> error == null ? count : 0)
                .thenCompose(count -> sweepBuckets(bucket + 1, moved + count))
                .thenCompose(total -> swept.thenApply(ignored -> total));
    }

    /**
     * Copies {@code outbox} entries (XRANGE's shape) to the log in their order, then deletes them from
     * {@code outboxKey}; completes with how many were copied.
     */
    private CompletionStage<Integer> publish(String outboxKey, List<Object> outbox) {
        if (outbox.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        List<String> ids = new ArrayList<>(outbox.size());
        List<Map<String, byte[]>> bodies = new ArrayList<>(outbox.size());
        for (Object entry : outbox) {
            List<?> pair = (List<?>) entry;
            ids.add(new String((byte[]) pair.get(0), StandardCharsets.UTF_8));
            List<?> flat = (List<?>) pair.get(1);
            Map<String, byte[]> body = new LinkedHashMap<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                body.put(new String((byte[]) flat.get(i), StandardCharsets.UTF_8), (byte[]) flat.get(i + 1));
            }
            bodies.add(body);
        }
        XAddArgs trim = XAddArgs.Builder.maxlen(maxLen).approximateTrimming();
        return call("user status append", redis -> {
            // One connection keeps the order of its commands: the entries reach the log in outbox order.
            CompletableFuture<?>[] added = bodies.stream()
                    .map(body -> redis.xadd(stream, trim, body).toCompletableFuture())
                    .toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(added);
        }).thenCompose(appended -> call("user status outbox trim",
                redis -> redis.xdel(outboxKey, ids.toArray(String[]::new))))
                .thenApply(deleted -> ids.size());
    }

    private List<UserStatusEvent> events(List<StreamMessage<String, byte[]>> messages) {
        List<UserStatusEvent> events = new ArrayList<>(messages.size());
        for (StreamMessage<String, byte[]> message : messages) {
            try {
                events.add(event(message));
            } catch (IllegalArgumentException | NullPointerException e) {
                // Written by something else than a node: counted and skipped, so one bad entry cannot hide the rest.
                malformed.incrementAndGet();
                log.debug("skipped a malformed user status entry {}", message.getId(), e);
            }
        }
        return List.copyOf(events);
    }

    private static UserStatusEvent event(StreamMessage<String, byte[]> message) {
        Map<String, byte[]> body = message.getBody();
        UserStatusEvent.Type type = UserStatusEvent.Type.ofWire(string(body.get("type")));
        if (type == null) {
            throw new IllegalArgumentException("unknown type");
        }
        return new UserStatusEvent(message.getId(), string(body.get("user")), type,
                Long.parseLong(string(body.get("seq"))), Long.parseLong(string(body.get("ts"))),
                string(body.get("node")));
    }

    private String[] bucketKeys(int bucket) {
        String tag = "{" + prefix + "online:" + bucket + "}:";
        return new String[] {tag + "leases", tag + "sessions", tag + "users", tag + "due", tag + "last", tag + "seq",
                tag + "outbox"};
    }

    /** The bucket of {@code user}: CRC-32 of its UTF-8 bytes, so every node agrees. */
    static int bucket(String user) {
        CRC32 crc = new CRC32();
        crc.update(text(user));
        return (int) (crc.getValue() % BUCKETS);
    }

    private void adopt(CommandConnection opened) {
        connection = opened;
        connected.complete(null);
    }

    /** Runs one command on the connection, with every failure turned into {@link BrokerUnavailableException}. */
    private <T> CompletionStage<T> call(String what,
                                        Function<RedisClusterAsyncCommands<String, byte[]>, CompletionStage<T>> command) {
        if (closed) {
            return CompletableFuture.failedFuture(new BrokerUnavailableException("the user status log is closed"));
        }
        return RedisLink.call(connection, what, command);
    }

    private static String string(byte[] value) {
        return new String(Objects.requireNonNull(value, "field"), StandardCharsets.UTF_8);
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] number(long value) {
        return Long.toString(value).getBytes(StandardCharsets.UTF_8);
    }
}
