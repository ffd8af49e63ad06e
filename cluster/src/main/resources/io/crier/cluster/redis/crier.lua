#!lua name=crier
--[[
Crier's Redis Function library (Redis 7.0+). Loaded by every node at start with FUNCTION LOAD REPLACE.

Keys of the channel C (for example "crier:news"), all in C's hash slot thanks to the hash tag {C}:
  {C}:meta     hash: epoch (string [A-Za-z0-9]), offset (last offset given out), replid (the replication ID
               of the Redis that made the last publication), and after a fork (below) forkedEpoch and
               forkedOffset: the position of the previous epoch that this one continues
  {C}:history  stream: one entry per publication, ID "<offset>-0", fields d (the data JSON) and
               t (publish time, ms since the epoch, from Redis' clock)
Both keys expire ttl seconds after the topic's last publication.

Epochs. A topic's first publication, and the first after its keys were lost (expired, or a Redis restarted
without persistence), starts a new epoch at offset 1. A publication made by a Redis whose replication ID
(INFO replication, master_replid) differs from the one that made the topic's last publication forks the topic:
it starts a new epoch that continues the previous one's offsets (forkedEpoch, forkedOffset = what this Redis
has). Redis changes that ID when a replica is promoted (a Sentinel failover) and when it restarts, the two
events after which publications it acknowledged may be missing: replication is asynchronous, and so is an AOF
that is not fsynced on every write. Whoever saw a position of the old epoch at or below forkedOffset has lost
nothing and reads on; whoever saw one above it saw publications this Redis no longer has, whose offsets the
new epoch gives to other publications, and cannot recover exactly.

crier_publish  KEYS: C   ARGV: data [maxlen=100] [ttl=300]
  Appends and publishes {"offset":N,"epoch":"E","data":<data>} on C in one atomic step: PUBLISH in one Redis,
  SPUBLISH (sharded pub/sub, within the shard that owns C's slot) in a Redis Cluster, where the nodes subscribe
  with SSUBSCRIBE. In a cluster, load the library on every primary (the nodes do).
  Returns {offset, epoch}. Redis does not know which namespaces keep history (the nodes' configuration
  does): on a topic whose namespace keeps none, the nodes deliver the publication like a plain PUBLISH,
  without offset or epoch, and the keys written here just expire after ttl.
crier_history  KEYS: C   ARGV: afterOffset limit ttl    (read-only: FCALL_RO works)
  Returns {epoch, offset, complete (1|0), {offset1, data1, offset2, data2, ...}, forkedEpoch, forkedOffset}:
  the stored entries with an offset above afterOffset, at most limit, oldest first, skipping those older than
  ttl seconds, and the position the current epoch continues ("" and 0 when it started at offset 1).
  A channel with no history returns epoch "" and offset 0: reads never create an epoch.

KEYS of both functions: the channel C; or the two keys they use, {C}:meta and {C}:history, which a Redis
Cluster needs (and the functions ask for there, refusing the channel alone) since it may migrate C's slot: the source node serves a call itself only if it still holds every key
the call names, and sends it to the target (ASK) otherwise. C itself is never a key, so a call naming only C is
always sent to the target, which does not have the history yet: there a publication would start a new epoch at
offset 1 (and the MIGRATE of the real keys then fail with BUSYKEY), a read would find nothing. With the two keys,
the call runs where the history is (Redis answers TRYAGAIN, to be retried, while one has moved and the other not).
  FCALL crier_publish 2 {crier:news}:meta {crier:news}:history '{"headline":"hi"}'
]]

local MAX_NESTING = 63            -- the node's parser allows 64 levels, and the envelope is one of them
local MAX_PAYLOAD_BYTES = 1048576 -- the node's default limit for one broker payload
local MAX_NUMBER_CHARS = 1000     -- longer numbers fail the node's parser
local MAX_COUNT = 1000000         -- bound of maxlen and limit
local MAX_TTL = 31536000          -- one year
local ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

local function fail(message)
    error({err = 'ERR crier: ' .. message}, 0)
end

local function integer(value, default, name, min, max)
    if value == nil then
        return default
    end
    if not string.find(value, '^%d+$') or #value > 15 then
        fail(name .. ' must be an integer, got "' .. string.sub(value, 1, 40) .. '"')
    end
    local n = tonumber(value)
    if n < min or n > max then
        fail(name .. ' must be between ' .. min .. ' and ' .. max .. ', got ' .. value)
    end
    return n
end

local ONE_KEY_IN_CLUSTER = 'on a Redis Cluster, name the two keys {C}:meta and {C}:history instead of the channel'
    .. ' C: a call naming only C runs on the wrong node while C\'s slot migrates'

local function in_cluster()
    return string.find(redis.call('INFO', 'cluster'), 'cluster_enabled:1', 1, true) ~= nil
end

local function channel_keys(keys)
    if #keys == 2 then
        local channel = string.match(keys[1], '^{(.+)}:meta$')
        if channel and not string.find(channel, '[{}]') and keys[2] == '{' .. channel .. '}:history' then
            return channel, keys[1], keys[2]
        end
    end
    if #keys ~= 1 then
        fail('expected 1 key (the channel C) or 2 ({C}:meta and {C}:history), got ' .. #keys)
    end
    local channel = keys[1]
    if channel == '' or string.find(channel, '[{}]') then
        fail('the channel must be non-empty and contain no { or }')
    end
    return channel, '{' .. channel .. '}:meta', '{' .. channel .. '}:history'
end

-- Strict JSON, as the node's parser reads it: RFC 8259 grammar, UTF-8 without NUL, no duplicate field
-- name at any depth, bounded nesting. Anything looser would store a publication that nodes must drop.

local function check_utf8(s)
    if string.find(s, '%z') then
        fail('data contains a NUL byte')
    end
    local i = string.find(s, '[\128-\255]')
    while i do
        local lead = string.byte(s, i)
        local size, low, high = 0, 128, 191
        if lead >= 194 and lead <= 223 then
            size = 2
        elseif lead >= 224 and lead <= 239 then
            size = 3
            if lead == 224 then low = 160 elseif lead == 237 then high = 159 end
        elseif lead >= 240 and lead <= 244 then
            size = 4
            if lead == 240 then low = 144 elseif lead == 244 then high = 143 end
        end
        local second = string.byte(s, i + 1)
        if size == 0 or not second or second < low or second > high then
            fail('data is not valid UTF-8')
        end
        for k = 2, size - 1 do
            local b = string.byte(s, i + k)
            if not b or b < 128 or b > 191 then
                fail('data is not valid UTF-8')
            end
        end
        i = string.find(s, '[\128-\255]', i + size)
    end
end

local function skip_space(s, i)
    return (select(2, string.find(s, '^[ \t\r\n]*', i))) + 1
end

local function string_end(s, i)
    local j = i + 1
    while true do
        local k, _, c = string.find(s, '([%z\1-\31"\\])', j)
        if not k then
            fail('data has an unterminated string')
        elseif c == '"' then
            return k + 1
        elseif c ~= '\\' then
            fail('data has a control character in a string')
        end
        local e = string.sub(s, k + 1, k + 1)
        if e == 'u' then
            if not string.find(s, '^%x%x%x%x', k + 2) then
                fail('data has a bad \\u escape')
            end
            j = k + 6
        elseif string.find(e, '^["\\/bfnrt]$') then
            j = k + 2
        else
            fail('data has a bad escape')
        end
    end
end

local function number_end(s, i)
    local _, e = string.find(s, '^-?%d+', i)
    if not e or string.find(s, '^-?0%d', i) then
        fail('data has a bad number')
    end
    local _, f = string.find(s, '^%.%d+', e + 1)
    e = f or e
    local _, x = string.find(s, '^[eE][+-]?%d+', e + 1)
    e = x or e
    if string.find(s, '^[%.eE]', e + 1) then
        fail('data has a bad number')
    end
    if e - i + 1 > MAX_NUMBER_CHARS then
        fail('data has a number longer than ' .. MAX_NUMBER_CHARS .. ' characters')
    end
    return e + 1
end

local value_end

local function container_end(s, i, depth, close)
    if depth > MAX_NESTING then
        fail('data nests deeper than ' .. MAX_NESTING .. ' levels')
    end
    local names = {}
    i = skip_space(s, i + 1)
    if string.sub(s, i, i) == close then
        return i + 1
    end
    while true do
        if close == '}' then
            if string.sub(s, i, i) ~= '"' then
                fail('data has an object field without a name')
            end
            local e = string_end(s, i)
            local name = string.sub(s, i + 1, e - 2)
            if string.find(name, '\\', 1, true) then
                -- Escapes must not hide a duplicate: compare names as decoded.
                local ok, decoded = pcall(cjson.decode, string.sub(s, i, e - 1))
                if not ok then
                    fail('data has a bad escape in a field name')
                end
                name = decoded
            end
            if names[name] then
                fail('data repeats a field name')
            end
            names[name] = true
            i = skip_space(s, e)
            if string.sub(s, i, i) ~= ':' then
                fail('data misses a colon after a field name')
            end
            i = skip_space(s, i + 1)
        end
        i = skip_space(s, value_end(s, i, depth))
        local c = string.sub(s, i, i)
        if c == close then
            return i + 1
        elseif c ~= ',' then
            fail('data misses a comma or a closing bracket')
        end
        i = skip_space(s, i + 1)
    end
end

value_end = function(s, i, depth)
    local c = string.sub(s, i, i)
    if c == '{' then
        return container_end(s, i, depth + 1, '}')
    elseif c == '[' then
        return container_end(s, i, depth + 1, ']')
    elseif c == '"' then
        return string_end(s, i)
    elseif c == '-' or string.find(c, '^%d$') then
        return number_end(s, i)
    end
    for _, word in ipairs({'true', 'false', 'null'}) do
        if string.sub(s, i, i + #word - 1) == word then
            return i + #word
        end
    end
    fail('data is not valid JSON')
end

local function check_json(s)
    check_utf8(s)
    local i = skip_space(s, 1)
    if i > #s then
        fail('data is empty')
    end
    if skip_space(s, value_end(s, i, 0)) <= #s then
        fail('data has trailing characters after the JSON value')
    end
end

local function now_ms(time)
    return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- The replication ID of this Redis (INFO replication, master_replid; a replica reports its master's), which
-- changes when a replica is promoted and when Redis restarts; and the command that publishes here: SPUBLISH in a
-- Redis Cluster (INFO cluster, cluster_enabled:1), else PUBLISH.
local function server_state()
    local info = redis.call('INFO', 'replication', 'cluster')
    local id = string.match(info, 'master_replid:(%x+)')
    if not id then
        fail('INFO replication has no master_replid')
    end
    return id, string.find(info, 'cluster_enabled:1', 1, true) and 'SPUBLISH' or 'PUBLISH'
end

-- Base 62 of the microsecond clock, then random characters: differs after any restart of Redis.
local function new_epoch(time)
    local n = tonumber(time[1]) * 1000000 + tonumber(time[2])
    local chars = {}
    while n > 0 do
        local digit = n % 62
        chars[#chars + 1] = string.sub(ALPHABET, digit + 1, digit + 1)
        n = (n - digit) / 62
    end
    for _ = 1, 4 do
        local r = math.random(1, 62)
        chars[#chars + 1] = string.sub(ALPHABET, r, r)
    end
    return table.concat(chars)
end

local function crier_publish(keys, args)
    local channel, meta, stream = channel_keys(keys)
    if #args < 1 or #args > 3 then
        fail('expected data [maxlen] [ttl], got ' .. #args .. ' arguments')
    end
    local data = args[1]
    local maxlen = integer(args[2], 100, 'maxlen', 1, MAX_COUNT)
    local ttl = integer(args[3], 300, 'ttl', 1, MAX_TTL)
    -- Offsets are at most 16 digits and epochs 14 characters: the envelope is under 64 bytes.
    if #data + 64 > MAX_PAYLOAD_BYTES then
        fail('data is larger than ' .. (MAX_PAYLOAD_BYTES - 64) .. ' bytes')
    end
    check_json(data)
    local time = redis.call('TIME')
    local replid, publish = server_state()
    if publish == 'SPUBLISH' and #keys == 1 then
        fail(ONE_KEY_IN_CLUSTER)
    end
    local state = redis.call('HMGET', meta, 'epoch', 'offset', 'replid')
    local epoch = state[1]
    if not epoch then
        -- History was lost (or never was): a new epoch, and no entry of an older one may stay.
        epoch = new_epoch(time)
        redis.call('DEL', stream)
        redis.call('HSET', meta, 'epoch', epoch, 'offset', 0, 'replid', replid)
    elseif state[3] ~= replid then
        -- Another Redis made the last publication, or this one restarted since: fork (see the top).
        local continued = epoch
        epoch = new_epoch(time)
        redis.call('HSET', meta, 'epoch', epoch, 'replid', replid, 'forkedEpoch', continued,
                'forkedOffset', state[2])
    end
    local offset = redis.call('HINCRBY', meta, 'offset', 1)
    local digits = string.format('%d', offset)
    redis.call('XADD', stream, 'MAXLEN', '=', maxlen, digits .. '-0',
            'd', data, 't', string.format('%d', now_ms(time)))
    redis.call('EXPIRE', meta, ttl)
    redis.call('EXPIRE', stream, ttl)
    redis.call(publish, channel, '{"offset":' .. digits .. ',"epoch":"' .. epoch .. '","data":' .. data .. '}')
    return {offset, epoch}
end

local function field(entry, name)
    for k = 1, #entry, 2 do
        if entry[k] == name then
            return entry[k + 1]
        end
    end
end

-- Reads up to limit entries above after, skipping the prefix older than cutoff. Only a prefix is skipped,
-- so that a clock step back in Redis' TIME can never punch a hole in the middle of what is returned.
local function read_entries(stream, after, limit, cutoff)
    local items, first = {}, nil
    local start = after + 1
    local batch = math.max(limit, 1)
    while true do
        local entries = redis.call('XRANGE', stream, string.format('%d', start) .. '-0', '+', 'COUNT', batch)
        for _, entry in ipairs(entries) do
            local offset = tonumber(string.match(entry[1], '^(%d+)-'))
            if first or tonumber(field(entry[2], 't')) >= cutoff then
                first = first or offset
                if #items >= 2 * limit then
                    return items, first
                end
                items[#items + 1] = offset
                items[#items + 1] = field(entry[2], 'd')
            end
            start = offset + 1
        end
        if #entries < batch or (first and #items >= 2 * limit) then
            return items, first
        end
    end
end

local function crier_history(keys, args)
    local _, meta, stream = channel_keys(keys)
    if #keys == 1 and in_cluster() then
        fail(ONE_KEY_IN_CLUSTER)
    end
    if #args ~= 3 then
        fail('expected afterOffset limit ttl, got ' .. #args .. ' arguments')
    end
    local after = integer(args[1], 0, 'afterOffset', 0, 999999999999999)
    local limit = integer(args[2], 0, 'limit', 0, MAX_COUNT)
    local ttl = integer(args[3], 0, 'ttl', 1, MAX_TTL)
    local position = redis.call('HMGET', meta, 'epoch', 'offset', 'forkedEpoch', 'forkedOffset')
    if not position[1] then
        return {'', 0, after == 0 and 1 or 0, {}, '', 0}
    end
    local epoch, top = position[1], tonumber(position[2])
    local forked_epoch, forked_offset = position[3] or '', tonumber(position[4] or 0)
    if after >= top then
        -- Above the top means the caller saw offsets this history no longer has: never complete.
        return {epoch, top, after == top and 1 or 0, {}, forked_epoch, forked_offset}
    end
    local items, first = read_entries(stream, after, limit, now_ms(redis.call('TIME')) - ttl * 1000)
    return {epoch, top, first == after + 1 and 1 or 0, items, forked_epoch, forked_offset}
end

redis.register_function('crier_publish', crier_publish)
redis.register_function{function_name = 'crier_history', callback = crier_history, flags = {'no-writes'}}
