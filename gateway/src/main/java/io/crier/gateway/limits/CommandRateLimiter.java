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
 * the arithmetic is exact in {@code long}s. The bucket starts full.
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

    private final long costNanos;
    private final long capacityNanos;
    private final int floodAfter;
    private final LongSupplier nanoClock;
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
        if (perSecond < 1 || perSecond > 1_000_000_000 || burst < 1 || floodAfter < 1) {
            throw new IllegalArgumentException("perSecond, burst and floodAfter must be positive");
        }
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.costNanos = 1_000_000_000L / perSecond;
        this.capacityNanos = Math.multiplyExact(costNanos, (long) burst);
        this.floodAfter = floodAfter;
        this.creditNanos = capacityNanos;
        this.lastNanos = nanoClock.getAsLong();
    }

    /** Takes a token for one command, and says whether to execute it. */
    public Decision acquire() {
        long now = nanoClock.getAsLong();
        long elapsed = Math.max(0, now - lastNanos);
        lastNanos = now;
        creditNanos = elapsed >= capacityNanos ? capacityNanos : Math.min(capacityNanos, creditNanos + elapsed);
        if (creditNanos >= costNanos) {
            creditNanos -= costNanos;
            limitedInARow = 0;
            return Decision.ALLOW;
        }
        limitedInARow++;
        return limitedInARow >= floodAfter ? Decision.FLOOD : Decision.LIMIT;
    }

    /** Whole tokens left now (without taking one). */
    public long tokens() {
        long now = nanoClock.getAsLong();
        long elapsed = Math.max(0, now - lastNanos);
        long credit = elapsed >= capacityNanos ? capacityNanos : Math.min(capacityNanos, creditNanos + elapsed);
        return credit / costNanos;
    }
}
