package io.crier.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code events.*} section: bundled defaults, the environment, and every bad value reported by key. */
class EventsConfigTest {

    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void theBundledDefaultsLeaveTheEventsOff() {
        EventsConfig events = loader.load(null, Map.of()).events();

        assertFalse(events.enabled());
        assertEquals("online-events", events.stream());
        assertEquals(100_000, events.maxLen());
        assertEquals(Duration.ofSeconds(10), events.grace());
        assertEquals(Duration.ofSeconds(15), events.leaseTtl());
        assertEquals(Duration.ofSeconds(5), events.refreshInterval());
        assertEquals(Duration.ofSeconds(1), events.sweepInterval());
        assertEquals(Duration.ofSeconds(3), events.lockTtl());
        assertEquals(Duration.ofSeconds(30), events.offlineBound());
    }

    @Test
    void readsEveryKeyFromTheEnvironmentAndDescribesThem() {
        CrierConfig config = loader.load(null, Map.of("CRIER_EVENTS_ENABLED", "true",
                "CRIER_EVENTS_STREAM", "app:presence.events", "CRIER_EVENTS_MAX_LEN", "10",
                "CRIER_EVENTS_GRACE", "0s", "CRIER_EVENTS_LEASE_TTL", "1s",
                "CRIER_EVENTS_REFRESH_INTERVAL", "400ms", "CRIER_EVENTS_SWEEP_INTERVAL", "100ms"));

        assertEquals(new EventsConfig(true, "app:presence.events", 10, Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofMillis(400), Duration.ofMillis(100)), config.events());
        assertTrue(config.describe().contains("events: enabled=true stream=app:presence.events maxLen=10 grace=0s"
                + " leaseTtl=1s refreshInterval=400ms sweepInterval=100ms"), config.describe());
    }

    @Test
    void reportsEveryBadValueByItsKey() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(null, Map.of(
                "CRIER_EVENTS_STREAM", "{slot}x", "CRIER_EVENTS_MAX_LEN", "0",
                "CRIER_EVENTS_GRACE", "11m", "CRIER_EVENTS_LEASE_TTL", "2h",
                "CRIER_EVENTS_REFRESH_INTERVAL", "50ms", "CRIER_EVENTS_SWEEP_INTERVAL", "2m")));

        assertEquals(List.of(
                "events.stream (CRIER_EVENTS_STREAM): must be 1..200 of A-Z a-z 0-9 : . _ -",
                "events.maxLen (CRIER_EVENTS_MAX_LEN): must be 1..100000000, got 0",
                "events.grace (CRIER_EVENTS_GRACE): must be 0..10m, got 11m",
                "events.leaseTtl (CRIER_EVENTS_LEASE_TTL): must be 1s..1h, got 2h",
                "events.refreshInterval (CRIER_EVENTS_REFRESH_INTERVAL): must be 100ms..10m, got 50ms",
                "events.sweepInterval (CRIER_EVENTS_SWEEP_INTERVAL): must be 100ms..1m, got 2m"), e.problems());
    }

    @Test
    void theRefreshMustBeLessThanHalfTheLeaseAndTheStreamNeitherEmptyNorTooLong() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> new EventsConfig(true, "",
                1, Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1)));

        assertEquals(List.of("events.stream: must be 1..200 of A-Z a-z 0-9 : . _ -",
                "events.refreshInterval: must be less than half of events.leaseTtl (2s), got 1s"), e.problems());
        assertThrows(InvalidConfigException.class, () -> new EventsConfig(true, "x".repeat(201), 1, Duration.ZERO,
                Duration.ofSeconds(2), Duration.ofMillis(999), Duration.ofSeconds(1)));
    }
}
