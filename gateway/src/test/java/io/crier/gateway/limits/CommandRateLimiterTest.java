package io.crier.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crier.gateway.limits.CommandRateLimiter.Decision;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CommandRateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000);

    private CommandRateLimiter bucket(int perSecond, int burst, int floodAfter) {
        return new CommandRateLimiter(perSecond, burst, floodAfter, now::get);
    }

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void bucketsOfOneSharedRateKeepTheirOwnCredit() {
        CommandRateLimiter.Rate rate = CommandRateLimiter.Rate.of(10, 2, 2, now::get);
        CommandRateLimiter first = new CommandRateLimiter(rate);
        CommandRateLimiter second = new CommandRateLimiter(rate);

        assertEquals(Decision.ALLOW, first.acquire());
        assertEquals(Decision.ALLOW, first.acquire());
        assertEquals(Decision.LIMIT, first.acquire());
        assertEquals(2, second.tokens());
        assertEquals(Decision.ALLOW, second.acquire());
        assertEquals(Decision.FLOOD, first.acquire());
        advanceMillis(100);
        assertEquals(Decision.ALLOW, first.acquire());
        assertEquals(2, second.tokens());
        assertThrows(IllegalArgumentException.class, () -> CommandRateLimiter.Rate.of(0, 1, 1, now::get));
    }

    @Test
    void startsFullAndAllowsABurstThenLimits() {
        CommandRateLimiter bucket = bucket(10, 5, 100);
        for (int i = 0; i < 5; i++) {
            assertEquals(Decision.ALLOW, bucket.acquire(), "command " + i);
        }
        assertEquals(Decision.LIMIT, bucket.acquire());
        assertEquals(0, bucket.tokens());
    }

    @Test
    void refillsAtTheConfiguredRate() {
        CommandRateLimiter bucket = bucket(10, 5, 100);
        for (int i = 0; i < 5; i++) {
            bucket.acquire();
        }
        advanceMillis(99);
        assertEquals(Decision.LIMIT, bucket.acquire());
        advanceMillis(1);
        assertEquals(Decision.ALLOW, bucket.acquire(), "one token per 100 ms at 10 per second");
        assertEquals(Decision.LIMIT, bucket.acquire());
        advanceMillis(350);
        assertEquals(3, bucket.tokens());
    }

    @Test
    void neverHoldsMoreThanTheBurstHowEverLongItWasIdle() {
        CommandRateLimiter bucket = bucket(50, 3, 100);
        advanceMillis(TimeUnit.DAYS.toMillis(365));
        assertEquals(3, bucket.tokens());
        for (int i = 0; i < 3; i++) {
            assertEquals(Decision.ALLOW, bucket.acquire());
        }
        assertEquals(Decision.LIMIT, bucket.acquire());
    }

    @Test
    void floodsAfterTheConfiguredLimitedCommandsInARow() {
        CommandRateLimiter bucket = bucket(1, 1, 3);
        assertEquals(Decision.ALLOW, bucket.acquire());
        assertEquals(Decision.LIMIT, bucket.acquire());
        assertEquals(Decision.LIMIT, bucket.acquire());
        assertEquals(Decision.FLOOD, bucket.acquire());
    }

    @Test
    void anAllowedCommandEndsTheRunOfLimitedOnes() {
        CommandRateLimiter bucket = bucket(1, 1, 3);
        bucket.acquire();
        bucket.acquire();
        bucket.acquire();
        advanceMillis(1_000);
        assertEquals(Decision.ALLOW, bucket.acquire());
        assertEquals(Decision.LIMIT, bucket.acquire());
        assertEquals(Decision.LIMIT, bucket.acquire());
        assertEquals(Decision.FLOOD, bucket.acquire());
    }

    @Test
    void aClockGoingBackwardsAddsNoTokens() {
        CommandRateLimiter bucket = bucket(10, 1, 100);
        bucket.acquire();
        now.addAndGet(-TimeUnit.SECONDS.toNanos(5));
        assertEquals(Decision.LIMIT, bucket.acquire());
    }

    @Test
    void rejectsNonPositiveSettings() {
        assertThrows(IllegalArgumentException.class, () -> bucket(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> bucket(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> bucket(1, 1, 0));
    }
}
