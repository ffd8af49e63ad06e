package io.crier.cluster.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletionStage;

/**
 * The Lua scripts of {@link RedisUserStatusLog}, each one atomic step on the seven keys of one bucket of users (all
 * in the bucket's hash slot, see {@link RedisUserStatusLog#bucketKeys}): {@code KEYS[1]} the leases (sorted set
 * session -> lease end), {@code KEYS[2]} the sessions (hash session -> {@code <length of user>:<user><node>}),
 * {@code KEYS[3]} the users (hash user -> live sessions, 0 while an offline is pending), {@code KEYS[4]} the
 * pending offlines (sorted set user -> when due), {@code KEYS[5]} each pending user's last node (hash),
 * {@code KEYS[6]} the sequence counter, {@code KEYS[7]} the outbox (a stream of the bucket's transitions, which
 * the sweeper moves to the log, which lives in a slot of its own). Times are Redis' own {@code TIME}, so the
 * nodes' clocks need not agree. {@code ARGV[1]} is always the outbox's approximate length bound.
 *
 * <p>Immutable and thread-safe.
 */
enum UserStatusScript {

    /**
     * ARGV: max len, lease ms, grace ms, then (session, user, node) triples: starts or renews each lease. A session
     * id held by another user or node (a node restarted under the same id while its old leases live) ends that
     * lease first.
     */
    LEASE("""
            local expiry, grace = now + tonumber(ARGV[2]), tonumber(ARGV[3])
            for i = 4, #ARGV, 3 do lease(ARGV[i], ARGV[i + 1], ARGV[i + 2], expiry, grace) end
            return 0
            """),

    /** ARGV: max len, grace ms, session: ends its lease. */
    END("""
            release(ARGV[3], tonumber(ARGV[2]))
            return 0
            """),

    /**
     * ARGV: max len, grace ms, limit: ends up to limit lapsed leases, appends up to limit due offlines, and returns
     * up to limit outbox entries (XRANGE's shape: id, then field, value pairs).
     */
    SWEEP("""
            local grace, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
            for _, session in ipairs(redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, limit)) do
              release(session, grace)
            end
            for _, user in ipairs(redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, limit)) do
              redis.call('ZREM', due, user)
              local node = redis.call('HGET', last, user) or ''
              redis.call('HDEL', last, user)
              if tonumber(redis.call('HGET', users, user) or '0') <= 0 then
                redis.call('HDEL', users, user)
                emit(user, 'offline', node)
              end
            end
            return redis.call('XRANGE', out, '-', '+', 'COUNT', limit)
            """);

    /**
     * Shared by every script: {@code emit} appends one transition to the outbox with the next sequence number;
     * {@code lease} starts or renews a session's lease (its user's first makes them online, unless their offline
     * was pending: then it is cancelled, and nothing is emitted); {@code release} ends one (its user's last makes
     * their offline pending for the grace). A session value that is not this store's ({@code holder} reads it) is
     * dropped.
     */
    private static final String PRELUDE = """
            local leases, sessions, users, due, last, seq, out = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local function emit(user, kind, node)
              local n = redis.call('INCR', seq)
              redis.call('XADD', out, 'MAXLEN', '~', ARGV[1], '*', 'user', user, 'type', kind, 'seq', n, 'ts', now,
                'node', node)
            end
            local function holder(value)
              local colon = value and string.find(value, ':', 1, true)
              local length = colon and tonumber(string.sub(value, 1, colon - 1))
              if not length or length < 1 or colon + length > #value then return nil end
              return string.sub(value, colon + 1, colon + length), string.sub(value, colon + length + 1)
            end
            local function release(session, grace)
              redis.call('ZREM', leases, session)
              local user, node = holder(redis.call('HGET', sessions, session))
              redis.call('HDEL', sessions, session)
              if not user then return end
              if redis.call('HINCRBY', users, user, -1) <= 0 then
                redis.call('HSET', users, user, 0)
                redis.call('ZADD', due, now + grace, user)
                redis.call('HSET', last, user, node)
              end
            end
            local function lease(session, user, node, expiry, grace)
              local value = #user .. ':' .. user .. node
              local stored = redis.call('HGET', sessions, session)
              redis.call('ZADD', leases, expiry, session)
              if stored == value then return end
              if stored then release(session, grace) redis.call('ZADD', leases, expiry, session) end
              redis.call('HSET', sessions, session, value)
              if redis.call('HINCRBY', users, user, 1) == 1 and redis.call('ZREM', due, user) == 0 then
                emit(user, 'online', node)
              end
              redis.call('HDEL', last, user)
            end
            """;

    private final LuaScript script;

    UserStatusScript(String body) {
        this.script = new LuaScript(PRELUDE + body);
    }

    /** Runs the script on {@code keys} with {@code args}. */
    <T> CompletionStage<T> run(RedisClusterAsyncCommands<String, byte[]> redis, ScriptOutputType type, String[] keys,
                               byte[]... args) {
        return script.run(redis, type, keys, args);
    }
}
