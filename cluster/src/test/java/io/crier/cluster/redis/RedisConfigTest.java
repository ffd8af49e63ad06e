package io.crier.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisConfigTest {

    private static RedisConfig config(String uri, Duration min, Duration max, int queue, Duration timeout) {
        return new RedisConfig(uri, "crier:", min, max, queue, timeout);
    }

    @Test
    void isEnabledOnlyWithAUri() {
        Duration second = Duration.ofSeconds(1);
        assertTrue(config("redis://127.0.0.1:6379", second, second, 1, second).enabled());
        assertFalse(config("", second, second, 1, second).enabled());
    }

    @Test
    void namesTheBadFieldByItsConfigPath() {
        Duration second = Duration.ofSeconds(1);
        IllegalArgumentException zeroDelay = assertThrows(IllegalArgumentException.class,
                () -> config("", Duration.ZERO, second, 1, second));
        assertEquals("redis.reconnectMinDelay must be above zero", zeroDelay.getMessage());
        IllegalArgumentException inverted = assertThrows(IllegalArgumentException.class,
                () -> config("", Duration.ofSeconds(2), second, 1, second));
        assertEquals("redis.reconnectMaxDelay must be at least redis.reconnectMinDelay", inverted.getMessage());
        IllegalArgumentException noQueue = assertThrows(IllegalArgumentException.class,
                () -> config("", second, second, 0, second));
        assertEquals("redis.requestQueueSize must be at least 1", noQueue.getMessage());
        IllegalArgumentException noTimeout = assertThrows(IllegalArgumentException.class,
                () -> config("", second, second, 1, Duration.ofMillis(-1)));
        assertEquals("redis.commandTimeout must be above zero", noTimeout.getMessage());
        NullPointerException noPrefix = assertThrows(NullPointerException.class,
                () -> new RedisConfig("", null, second, second, 1, second));
        assertEquals("redis.prefix", noPrefix.getMessage());
    }
}
