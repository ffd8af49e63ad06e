package io.crier.cluster.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletionStage;

/**
 * The Lua scripts of {@link RedisPresenceStore}, each one atomic step on the three keys of one topic
 * ({@code KEYS[1]} the entries hash {@code {C}:presence}, {@code KEYS[2]} the lease sorted set
 * {@code {C}:presence:exp}, {@code KEYS[3]} the per-user session counts {@code {C}:presence:users}). Leases
 * are measured with Redis' own {@code TIME}, so that the nodes' clocks need not agree. Reads first drop the
 * expired entries. Each runs as a {@link LuaScript} ({@code EVALSHA}, and
 * {@code EVAL} when Redis answers {@code NOSCRIPT}).
 *
 * <p>Immutable and thread-safe.
 */
enum PresenceScript {

    /** ARGV: lease ms, key expiry ms, then (session, user, entry json) triples; adds or renews each. */
    UPSERT("""
            local expiry = now_ms() + tonumber(ARGV[1])
            for i = 3, #ARGV, 3 do
              local session, user, json = ARGV[i], ARGV[i + 1], ARGV[i + 2]
              if redis.call('HGET', hash, session) ~= json then
                forget(session)
                redis.call('HSET', hash, session, json)
                if user ~= '' then redis.call('HINCRBY', users, user, 1) end
              end
              redis.call('ZADD', exp, expiry, session)
            end
            for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ARGV[2]) end
            return 0
            """),

    /** ARGV: session. */
    REMOVE("""
            forget(ARGV[1])
            redis.call('ZREM', exp, ARGV[1])
            return 0
            """),

    /** ARGV: limit. Returns session, entry json, session, entry json, ... */
    LIST("""
            prune()
            local limit = tonumber(ARGV[1])
            local result = {}
            if limit < 1 then return result end
            for _, session in ipairs(redis.call('ZRANGE', exp, 0, limit - 1)) do
              local json = redis.call('HGET', hash, session)
              if json then
                result[#result + 1] = session
                result[#result + 1] = json
              end
            end
            return result
            """),

    /** Returns sessions, distinct users (anonymous sessions are no user). */
    COUNT("""
            prune()
            return {redis.call('HLEN', hash), redis.call('HLEN', users)}
            """);

    /**
     * Shared by every script: {@code forget} drops one session's entry and its user's count (a value that is
     * not this store's JSON, written by hand, is dropped without failing the script), {@code prune} drops
     * every entry whose lease ended (score at or before now).
     */
    private static final String PRELUDE = """
            local hash, exp, users = KEYS[1], KEYS[2], KEYS[3]
            local function now_ms()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function forget(session)
              local json = redis.call('HGET', hash, session)
              if not json then return end
              redis.call('HDEL', hash, session)
              local ok, entry = pcall(cjson.decode, json)
              local user = ok and type(entry) == 'table' and entry.user
              if type(user) == 'string' and user ~= ''
                  and redis.call('HINCRBY', users, user, -1) <= 0 then
                redis.call('HDEL', users, user)
              end
            end
            local function prune()
              local now = now_ms()
              local expired = redis.call('ZRANGEBYSCORE', exp, '-inf', now)
              for _, session in ipairs(expired) do forget(session) end
              if #expired > 0 then redis.call('ZREMRANGEBYSCORE', exp, '-inf', now) end
            end
            """;

    private final LuaScript script;

    PresenceScript(String body) {
        this.script = new LuaScript(PRELUDE + body);
    }

    /** Runs the script on {@code keys} with {@code args}. */
    <T> CompletionStage<T> run(RedisClusterAsyncCommands<String, byte[]> redis, ScriptOutputType type, String[] keys,
                               byte[]... args) {
        return script.run(redis, type, keys, args);
    }
}
