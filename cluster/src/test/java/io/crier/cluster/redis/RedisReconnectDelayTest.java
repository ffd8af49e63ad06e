package io.crier.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisReconnectDelayTest {

    private final RedisReconnectDelay delay = new RedisReconnectDelay(Duration.ofMillis(100), Duration.ofSeconds(2));

    @Test
    void startsAtTheMinimumAndDoublesOnEachAttempt() {
        assertEquals(Duration.ofMillis(100), delay.createDelay(1));
        assertEquals(Duration.ofMillis(200), delay.createDelay(2));
        assertEquals(Duration.ofMillis(400), delay.createDelay(3));
        assertEquals(Duration.ofMillis(1600), delay.createDelay(5));
    }

    @Test
    void staysAtTheMaximumHoweverManyAttemptsFailed() {
        assertEquals(Duration.ofSeconds(2), delay.createDelay(6));
        assertEquals(Duration.ofSeconds(2), delay.createDelay(1_000));
        assertEquals(Duration.ofSeconds(2), delay.createDelay(Long.MAX_VALUE));
    }

    @Test
    void treatsAttemptZeroLikeTheFirst() {
        assertEquals(Duration.ofMillis(100), delay.createDelay(0));
    }

    @Test
    void rejectsAMaximumBelowTheMinimum() {
        assertThrows(IllegalArgumentException.class,
                () -> new RedisReconnectDelay(Duration.ofSeconds(2), Duration.ofMillis(100)));
    }
}
