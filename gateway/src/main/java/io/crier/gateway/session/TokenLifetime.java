package io.crier.gateway.session;

import io.crier.gateway.auth.User;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * Decides when a session hears that its token is about to expire and when it is disconnected for expiry,
 * and keeps those two deadlines on one timer: the {@code expiring} warning at {@code exp - warning} (at once when
 * that is already past), then, armed when the warning fires, the disconnect at {@code exp + grace}; a session holds
 * one scheduled task, not two, for as long as it lives. {@link #track} replaces the timer for a new token, so each
 * token gets at most one warning. An anonymous user gets no timers at all, and neither does
 * a token whose disconnect would fall more than {@link #HORIZON} ahead (a "never-expiring" service token):
 * it is tracked, and its session lives until it closes or refreshes to a nearer token.
 *
 * <p>Plain Java: the transport supplies the {@link Timers} (its event loop) and the {@link Listener}
 * (the push and the disconnect). Not thread-safe: confined to the session's event loop, where the timers
 * also fire.
 */
public final class TokenLifetime {

    /**
     * The longest delay a timer is armed for: about a century. No node runs that long, so a timer further
     * ahead would never fire, and leaving it unarmed keeps every delay far inside what a scheduler can hold:
     * {@link Duration#toNanos()} and Netty's scheduler count in a {@code long} of nanoseconds, about 292
     * years, and a scheduler adds its own clock reading to the delay. A token with {@code exp} in the year
     * 2350 is an ordinary way to issue a service token that never expires; it must not overflow anything.
     */
    public static final Duration HORIZON = Duration.ofDays(36_525);

    /** Schedules one-shot tasks, on the thread the lifetime is confined to. */
    public interface Timers {
        /**
         * Runs {@code task} once after {@code delay} (zero: as soon as possible; never longer than
         * {@link #HORIZON}); returns it as a future, which {@code cancel(false)} stops (the scheduler's own task: no
         * cancel action made for it).
         */
        Future<?> schedule(Runnable task, Duration delay);
    }

    /** What happens when a timer fires. */
    public interface Listener {
        /**
         * The token expires in {@code inSeconds} seconds (as planned when it was tracked: rounded down, 0
         * when already past).
         */
        void expiring(long inSeconds);

        /** The grace period after {@code exp} has passed without a refresh. */
        void expired();
    }

    /**
     * The expiry settings of a node. Immutable; thread-safe.
     *
     * @param clock   the clock {@code exp} is compared with (the token verifier's clock)
     * @param warning how long before {@code exp} the {@code expiring} push goes out
     * @param grace   how long after {@code exp} the session may still refresh before it is disconnected
     */
    public record Settings(Clock clock, Duration warning, Duration grace) {
        public Settings {
            Objects.requireNonNull(clock, "clock");
            requireNotNegative(warning, "warning");
            requireNotNegative(grace, "grace");
        }

        /**
         * When to warn and when to disconnect a token expiring at {@code expiresAt} (any instant), seen
         * {@code now}; empty when the disconnect would fall more than {@link #HORIZON} ahead, so the token
         * needs no timer.
         */
        public Optional<Plan> plan(Instant expiresAt, Instant now) {
            // Instants span about 6.3e16 s, far inside a Duration's long of seconds: nothing here overflows.
            Duration untilExpiry = Duration.between(now, expiresAt);
            Duration disconnectIn = positive(untilExpiry.plus(grace));
            if (disconnectIn.compareTo(HORIZON) > 0) {
                return Optional.empty();
            }
            Duration warnIn = positive(untilExpiry.minus(warning));
            long warnSeconds = positive(untilExpiry.minus(warnIn)).getSeconds();
            return Optional.of(new Plan(warnIn, warnSeconds, disconnectIn));
        }

        private static Duration positive(Duration duration) {
            return duration.isNegative() ? Duration.ZERO : duration;
        }

        private static void requireNotNegative(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + duration);
            }
        }
    }

    /**
     * The two delays for one token, from the moment it was tracked; neither is longer than {@link #HORIZON}.
     *
     * @param warnIn       delay of the {@code expiring} push (zero: at once)
     * @param warnSeconds  the {@code in} of that push: whole seconds from then until {@code exp}, at least 0
     * @param disconnectIn delay of the {@code token_expired} disconnect
     */
    public record Plan(Duration warnIn, long warnSeconds, Duration disconnectIn) {
    }

    private final Settings settings;
    private final Timers timers;
    private final Listener listener;
    /**
     * The one armed timer: the warning's until it fires, then the disconnect's (one timer per session, not two); null
     * when none is armed.
     */
    private Future<?> timer;
    private Instant expiresAt;
    /** The armed warning's {@code in} (kept here rather than in a plan that the timer's task would hold). */
    private long warnSeconds;
    /** Bumped by every {@link #track} and {@link #cancel}, so that a stale timer recognises itself. */
    private long generation;

    public TokenLifetime(Settings settings, Timers timers, Listener listener) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Starts the timers for {@code user}'s token, replacing those of the previous token; for an anonymous
     * user, or a token beyond the {@link #HORIZON}, only cancels them.
     */
    public void track(User user) {
        Objects.requireNonNull(user, "user");
        cancel();
        if (user.isAnonymous()) {
            return;
        }
        Instant expiry = user.expiresAt();
        long current = generation;
        expiresAt = expiry;
        Optional<Plan> planned = settings.plan(expiry, settings.clock().instant());
        if (planned.isEmpty()) {
            return;
        }
        Plan plan = planned.get();
        warnSeconds = plan.warnSeconds();
        timer = timers.schedule(() -> warn(current), plan.warnIn());
    }

    /** Cancels the armed timer; the session is closing. Harmless when called again. */
    public void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        expiresAt = null;
        generation++;
    }

    /** The {@code exp} of the token being tracked, or {@code null} when none is. */
    public Instant expiresAt() {
        return expiresAt;
    }

    private void warn(long scheduledIn) {
        // A timer cancelled too late to stop it from running must not act for a replaced token.
        if (scheduledIn != generation) {
            return;
        }
        // Armed before the listener runs: a refresh it makes at once cancels the disconnect with the old token. Timed
        // from the clock, not from the warning's delay, so that a warning that ran late does not delay it; never past
        // the HORIZON, which the disconnect was inside when the token was tracked.
        Duration untilDisconnect = Duration.between(settings.clock().instant(), expiresAt.plus(settings.grace()));
        timer = timers.schedule(() -> expire(scheduledIn),
                untilDisconnect.isNegative() ? Duration.ZERO : untilDisconnect);
        listener.expiring(warnSeconds);
    }

    private void expire(long scheduledIn) {
        if (scheduledIn != generation) {
            return;
        }
        timer = null;
        listener.expired();
    }
}
