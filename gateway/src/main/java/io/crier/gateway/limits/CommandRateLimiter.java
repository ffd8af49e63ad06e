package io.crier.gateway.limits;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The command token bucket of one session: it holds up to {@code burst} tokens, refills
 * {@code perSecond} tokens a second, and each command takes one. A command that finds the bucket empty is
 * {@link Decision#LIMIT limited} (answered {@code rate_limited}, not executed); {@code floodAfter} limited
 * commands in a row make it {@link Decision#FLOOD} (the session is closed with 4502). An allowed command
 * ends the run.
 *
 * <p>Time comes from an injected nanosecond clock ({@link System#nanoTime} in production) so that tests
 * drive it by hand. Tokens are kept as nanoseconds of credit (one token = {@code 1e9 / perSecond} ns), so
 * the arithmetic is exact in {@code long}s. The bucket starts full. What every session's bucket shares (the
 * {@link Rate}: cost, capacity, flood threshold, clock) is made once per node; a bucket holds only its own credit.
 *
 * <p>Not thread-safe: one instance per session, confined to the session's event loop.
 */
public final class CommandRateLimiter {

    /** What to do with one command. */
    public enum Decision {
        /** Execute it. */
        ALLOW,
        /** Refuse it with {@code rate_limited}. */
        LIMIT,
        /** Refuse it and close the session: it kept sending over its limit. */
        FLOOD
    }

    /**
     * The settings every session's bucket shares: one per node. Immutable and thread-safe.
     *
     * @param costNanos     the credit one command takes
     * @param capacityNanos the most credit a bucket holds
     * @param floodAfter    limited commands in a row that make a flood
     * @param nanoClock     monotonic nanoseconds
     */
    public record Rate(long costNanos, long capacityNanos, int floodAfter, LongSupplier nanoClock) {

        /**
         * @param perSecond  tokens refilled per second ({@code limits.commandsPerSecond}), 1..1e9
         * @param burst      bucket size ({@code limits.commandBurst}), at least 1
         * @param floodAfter limited commands in a row that make a flood ({@code limits.floodDisconnectAfter})
         * @param nanoClock  monotonic nanoseconds
         */
        public static Rate of(int perSecond, int burst, int floodAfter, LongSupplier nanoClock) {
            if (perSecond < 1 || perSecond > 1_000_000_000 || burst < 1 || floodAfter < 1) {
                throw new IllegalArgumentException("perSecond, burst and floodAfter must be positive");
            }
            long cost = 1_000_000_000L / perSecond;
            return new Rate(cost, Math.multiplyExact(cost, (long) burst), floodAfter,
                    Objects.requireNonNull(nanoClock, "nanoClock"));
        }
    }

    private final Rate rate;
    private long creditNanos;
    private long lastNanos;
    private int limitedInARow;

    /**
     * @param perSecond  tokens refilled per second ({@code limits.commandsPerSecond}), 1..1e9
     * @param burst      bucket size ({@code limits.commandBurst}), at least 1
     * @param floodAfter limited commands in a row that make a flood ({@code limits.floodDisconnectAfter})
     * @param nanoClock  monotonic nanoseconds
     */
    public CommandRateLimiter(int perSecond, int burst, int floodAfter, LongSupplier nanoClock) {
        this(Rate.of(perSecond, burst, floodAfter, nanoClock));
    }

    /** A full bucket of the node's shared {@code rate}. */
    public CommandRateLimiter(Rate rate) {
        this.rate = Objects.requireNonNull(rate, "rate");
        this.creditNanos = rate.capacityNanos();
        this.lastNanos = rate.nanoClock().getAsLong();
    }

    /** Takes a token for one command, and says whether to execute it. */
    public Decision acquire() {
        long now = rate.nanoClock().getAsLong();
        long elapsed = Math.max(0, now - lastNanos);
        lastNanos = now;
        creditNanos = creditAfter(elapsed);
        if (creditNanos >= rate.costNanos()) {
            creditNanos -= rate.costNanos();
            limitedInARow = 0;
            return Decision.ALLOW;
        }
        limitedInARow++;
        return limitedInARow >= rate.floodAfter() ? Decision.FLOOD : Decision.LIMIT;
    }

    /** Whole tokens left now (without taking one). */
    public long tokens() {
        long elapsed = Math.max(0, rate.nanoClock().getAsLong() - lastNanos);
        return creditAfter(elapsed) / rate.costNanos();
    }

    private long creditAfter(long elapsedNanos) {
        long capacity = rate.capacityNanos();
        return elapsedNanos >= capacity ? capacity : Math.min(capacity, creditNanos + elapsedNanos);
    }
}
