package io.crier.cluster.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletionStage;

/**
 * The Lua scripts of {@link RedisNodeRegistry}. {@code KEYS[1]} is the index, the sorted set {@code {<P>nodes}}
 * (node id -> lease end in Redis' ms clock); node records are the strings {@code {<P>nodes}:<id>}, written with
 * {@code SET ... PX lease}, in the index's hash slot. Leases are measured with Redis' own {@code TIME}, so the
 * nodes' clocks need not agree. Every script first drops the index entries whose lease has ended, so the
 * index holds live nodes only (plus those that died since the last call). Each runs as a {@link LuaScript}
 * ({@code EVALSHA}, and {@code EVAL} when Redis answers {@code NOSCRIPT}).
 *
 * <p>Immutable and thread-safe.
 */
enum NodeScript {

    /**
     * KEYS[2]: the node's record. ARGV: id, record JSON, lease ms. Writes the record and its index entry; the
     * index itself expires three leases after the last write of any node, so an abandoned fleet leaves nothing.
     */
    ANNOUNCE("""
            local lease = tonumber(ARGV[3])
            redis.call('SET', KEYS[2], ARGV[2], 'PX', lease)
            redis.call('ZADD', index, now + lease, ARGV[1])
            if redis.call('PTTL', index) < lease * 3 then redis.call('PEXPIRE', index, lease * 3) end
            return 0
            """),

    /** KEYS[2]: the node's record. ARGV: id. */
    WITHDRAW("""
            redis.call('DEL', KEYS[2])
            redis.call('ZREM', index, ARGV[1])
            return 0
            """),

    /** ARGV: limit, the records' key prefix. Returns the live records' JSON, in lease order. */
    LIST("""
            local result = {}
            for _, id in ipairs(redis.call('ZRANGE', index, 0, tonumber(ARGV[1]) - 1)) do
              local json = redis.call('GET', ARGV[2] .. id)
              if json then result[#result + 1] = json end
            end
            return result
            """);

    private static final String PRELUDE = """
            local index = KEYS[1]
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
            """;

    private final LuaScript script;

    NodeScript(String body) {
        this.script = new LuaScript(PRELUDE + body);
    }

    /** Runs the script on {@code keys} with {@code args}. */
    <T> CompletionStage<T> run(RedisClusterAsyncCommands<String, byte[]> redis, ScriptOutputType type, String[] keys,
                               byte[]... args) {
        return script.run(redis, type, keys, args);
    }
}
