package io.crier.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The bench computes each channel's hash slot itself, as {@code CLUSTER KEYSLOT} does (values from Redis 7.0). */
class RedisShardsTest {

    private static final int WHOLE_KEY_SLOT = 8363;

    @Test
    void hashesKeysToTheSlotsRedisDocuments() {
        assertEquals(0x31C3, RedisShards.slot("123456789")); // the CRC16 (XMODEM) check value, below 16384
        assertEquals(10104, RedisShards.slot("crier:bench.abc.1")); // CLUSTER KEYSLOT on Redis 7.0
        assertEquals(12182, RedisShards.slot("foo"));
        assertEquals(5061, RedisShards.slot("bar"));
    }

    @Test
    void hashesOnlyTheHashTagWhenThereIsOne() {
        assertEquals(RedisShards.slot("user1000"), RedisShards.slot("{user1000}.following"));
        assertEquals(RedisShards.slot("bar"), RedisShards.slot("foo{bar}{zap}"));
    }

    @Test
    void hashesTheWholeKeyWhenTheHashTagIsEmpty() {
        assertEquals(WHOLE_KEY_SLOT, RedisShards.slot("foo{}{bar}")); // CLUSTER KEYSLOT foo{}{bar}
    }
}
