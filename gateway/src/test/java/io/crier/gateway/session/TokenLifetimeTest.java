package io.crier.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenLifetimeTest {

    private static final Instant START = Instant.parse("2031-03-01T12:00:00Z");
    private static final Duration WARNING = Duration.ofSeconds(60);
    private static final Duration GRACE = Duration.ofSeconds(25);

    private final ManualTime time = new ManualTime(START);
    private final RecordingExpiry listener = new RecordingExpiry();
    private final TokenLifetime lifetime =
            new TokenLifetime(new TokenLifetime.Settings(time, WARNING, GRACE), time, listener);

    @Test
    void warnsAtExpiryMinusTheWarningAndDisconnectsAtExpiryPlusTheGrace() {
        lifetime.track(userExpiringIn(Duration.ofMinutes(5)));

        time.advance(Duration.ofSeconds(239));
        assertEquals(List.of(), listener.drain());
        time.advance(Duration.ofSeconds(1));
        assertEquals(List.of("expiring 60"), listener.drain());
        time.advance(Duration.ofSeconds(84));
        assertEquals(List.of(), listener.drain());
        time.advance(Duration.ofSeconds(1));
        assertEquals(List.of("expired"), listener.drain());
        assertEquals(0, time.pending());
    }

    @Test
    void holdsOneTimerAtATimeTheWarningsThenTheDisconnects() {
        lifetime.track(userExpiringIn(Duration.ofMinutes(5)));
        assertEquals(1, time.pending());

        time.advance(Duration.ofSeconds(240));
        assertEquals(List.of("expiring 60"), listener.drain());
        assertEquals(1, time.pending(), "the disconnect is armed when the warning fires");

        lifetime.cancel();
        assertEquals(0, time.pending());
        time.advance(Duration.ofMinutes(5));
        assertEquals(List.of(), listener.drain());
    }

    @Test
    void warnsAtOnceWithTheSecondsLeftWhenTheTokenExpiresWithinTheWarningWindow() {
        lifetime.track(userExpiringIn(Duration.ofSeconds(42)));

        time.advance(Duration.ZERO);

        assertEquals(List.of("expiring 42"), listener.drain());
    }

    @Test
    void roundsTheSecondsLeftDown() {
        lifetime.track(userExpiringIn(Duration.ofMillis(42_900)));

        time.advance(Duration.ZERO);

        assertEquals(List.of("expiring 42"), listener.drain());
    }

    @Test
    void aTokenAlreadyPastItsExpiryIsWarnedWithZeroAndDisconnectedAfterTheRestOfTheGrace() {
        lifetime.track(userExpiringIn(Duration.ofSeconds(-5)));

        time.advance(Duration.ZERO);
        assertEquals(List.of("expiring 0"), listener.drain());
        time.advance(Duration.ofSeconds(19));
        assertEquals(List.of(), listener.drain());
        time.advance(Duration.ofSeconds(1));
        assertEquals(List.of("expired"), listener.drain());
    }

    @Test
    void trackingANewTokenReplacesBothTimersSoEachTokenIsWarnedOnce() {
        lifetime.track(userExpiringIn(Duration.ofSeconds(90)));
        time.advance(Duration.ofSeconds(30));
        assertEquals(List.of("expiring 60"), listener.drain());

        lifetime.track(userExpiringIn(Duration.ofSeconds(120)));
        time.advance(Duration.ofSeconds(59));
        assertEquals(List.of(), listener.drain());
        time.advance(Duration.ofSeconds(1));
        assertEquals(List.of("expiring 60"), listener.drain());
        assertEquals(START.plusSeconds(150), lifetime.expiresAt());
        time.advance(Duration.ofSeconds(85));
        assertEquals(List.of("expired"), listener.drain(), "the first token's disconnect (at 115 s) never fired");
        assertEquals(0, time.pending());
    }

    @Test
    void cancelStopsBothTimersAndForgetsTheToken() {
        lifetime.track(userExpiringIn(Duration.ofMinutes(5)));

        lifetime.cancel();
        lifetime.cancel();
        time.advance(Duration.ofHours(1));

        assertEquals(List.of(), listener.drain());
        assertEquals(0, time.pending());
        assertNull(lifetime.expiresAt());
    }

    @Test
    void anAnonymousUserGetsNoTimersAndCancelsThoseOfAnEarlierToken() {
        lifetime.track(userExpiringIn(Duration.ofMinutes(5)));

        lifetime.track(User.ANONYMOUS);
        time.advance(Duration.ofDays(1));

        assertEquals(List.of(), listener.drain());
        assertEquals(0, time.pending());
        assertNull(lifetime.expiresAt());
    }

    @Test
    void aTokenExpiringCenturiesAheadIsTrackedWithoutTimers() {
        Instant farExp = Instant.ofEpochSecond(12_000_000_000L);
        lifetime.track(userExpiringAt(farExp));

        assertEquals(0, time.pending(), "no timer is armed for a token that outlives every node");
        assertEquals(farExp, lifetime.expiresAt());
        time.advance(Duration.ofDays(365L * 300));
        assertEquals(List.of(), listener.drain());
    }

    @Test
    void aTokenAtTheEndOfTimeIsTrackedWithoutTimers() {
        lifetime.track(userExpiringAt(Instant.MAX));

        assertEquals(0, time.pending());
        assertEquals(Instant.MAX, lifetime.expiresAt());
    }

    @Test
    void refreshingToAFarTokenCancelsTheTimersOfTheNearOne() {
        lifetime.track(userExpiringIn(Duration.ofMinutes(5)));

        lifetime.track(userExpiringAt(Instant.ofEpochSecond(12_000_000_000L)));
        time.advance(Duration.ofDays(1));

        assertEquals(List.of(), listener.drain());
        assertEquals(0, time.pending());
    }

    @Test
    void aTokenThatExpiredAtTheStartOfTimeIsWarnedAndDisconnectedAtOnce() {
        lifetime.track(userExpiringAt(Instant.MIN));

        time.advance(Duration.ZERO);

        assertEquals(List.of("expiring 0", "expired"), listener.drain());
    }

    @Test
    void thePlanNeverHasANegativeDelay() {
        TokenLifetime.Settings settings = new TokenLifetime.Settings(Clock.systemUTC(), WARNING, GRACE);

        assertEquals(Optional.of(new TokenLifetime.Plan(Duration.ofSeconds(40), 60, Duration.ofSeconds(125))),
                settings.plan(START.plusSeconds(100), START));
        assertEquals(Optional.of(new TokenLifetime.Plan(Duration.ZERO, 30, Duration.ofSeconds(55))),
                settings.plan(START.plusSeconds(30), START));
        assertEquals(Optional.of(new TokenLifetime.Plan(Duration.ZERO, 0, Duration.ofSeconds(15))),
                settings.plan(START.minusSeconds(10), START));
        assertEquals(Optional.of(new TokenLifetime.Plan(Duration.ZERO, 0, Duration.ZERO)),
                settings.plan(START.minusSeconds(60), START));
        assertEquals(Optional.of(new TokenLifetime.Plan(Duration.ZERO, 0, Duration.ZERO)),
                settings.plan(Instant.MIN, START));
    }

    @Test
    void thePlanArmsNoTimerWhoseDisconnectFallsBeyondTheHorizon() {
        TokenLifetime.Settings settings = new TokenLifetime.Settings(Clock.systemUTC(), WARNING, GRACE);
        Instant lastTimed = START.plus(TokenLifetime.HORIZON).minus(GRACE);

        assertEquals(Optional.of(new TokenLifetime.Plan(TokenLifetime.HORIZON.minus(GRACE).minus(WARNING), 60,
                TokenLifetime.HORIZON)), settings.plan(lastTimed, START));
        assertEquals(Optional.empty(), settings.plan(lastTimed.plusNanos(1), START));
        assertEquals(Optional.empty(), settings.plan(Instant.ofEpochSecond(12_000_000_000L), START));
        assertEquals(Optional.empty(), settings.plan(Instant.MAX, START));
        assertTrue(TokenLifetime.HORIZON.toNanos() < Long.MAX_VALUE / 2,
                "a scheduler may add its own clock reading to the delay");
    }

    @Test
    void settingsRefuseNegativeDurations() {
        assertThrows(IllegalArgumentException.class,
                () -> new TokenLifetime.Settings(time, Duration.ofSeconds(-1), GRACE));
        assertThrows(IllegalArgumentException.class,
                () -> new TokenLifetime.Settings(time, WARNING, Duration.ofSeconds(-1)));
    }

    private User userExpiringIn(Duration ttl) {
        return userExpiringAt(time.instant().plus(ttl));
    }

    private static User userExpiringAt(Instant exp) {
        return new User("alice", TopicPatterns.NONE, TopicPatterns.NONE, exp);
    }
}
