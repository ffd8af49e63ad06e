package io.crier.cluster.redis;

/**
 * The Lua scripts of {@link RedisRevocationStore}. Each hash field's value is {@code "<millis>,<untilMillis>"}
 * (the fact's time: a token's or block's end, or {@code issuedBefore}; then when the field may go), and each
 * hash expires at its latest field's end. Immutable; thread-safe.
 */
final class RevocationScript {

    /**
     * KEYS[1] the hash; ARGV: field, millis, untilMillis, mode ({@code max}: keep the later of the old and new
     * times, {@code set}: replace). Returns 1.
     */
    static final LuaScript WRITE = new LuaScript("""
            local millis = tonumber(ARGV[2])
            local untilMillis = tonumber(ARGV[3])
            local old = redis.call('HGET', KEYS[1], ARGV[1])
            if old and ARGV[4] == 'max' then
              local oldMillis, oldUntil = string.match(old, '^(%d+),(%d+)$')
              if oldMillis then
                millis = math.max(millis, tonumber(oldMillis))
                untilMillis = math.max(untilMillis, tonumber(oldUntil))
              end
            end
            redis.call('HSET', KEYS[1], ARGV[1], string.format('%d,%d', millis, untilMillis))
            local expires = redis.call('PEXPIRETIME', KEYS[1])
            if expires < untilMillis then
              redis.call('PEXPIREAT', KEYS[1], untilMillis)
            end
            return 1
            """);

    /**
     * KEYS: the hashes; ARGV[1] now in ms. Drops the fields that are over (or unreadable) and returns, per hash,
     * a flat array of the remaining fields and values.
     */
    static final LuaScript LOAD = new LuaScript("""
            local now = tonumber(ARGV[1])
            local result = {}
            for i, key in ipairs(KEYS) do
              local flat = redis.call('HGETALL', key)
              local live = {}
              for j = 1, #flat, 2 do
                local millis, untilMillis = string.match(flat[j + 1], '^(%d+),(%d+)$')
                if millis and tonumber(untilMillis) > now then
                  live[#live + 1] = flat[j]
                  live[#live + 1] = flat[j + 1]
                else
                  redis.call('HDEL', key, flat[j])
                end
              end
              result[i] = live
            end
            return result
            """);

    private RevocationScript() {
    }
}
