package io.crier.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigRecordsTest {

    @Test
    void serverConfigListsEveryBadFieldByKey() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> new ServerConfig(" ", -1, "ws", "auto", 10, Duration.ofMinutes(11)));

        assertEquals(List.of(
                "server.host: must not be empty",
                "server.port: must be 0..65535, got -1",
                "server.wsPath: must be a path starting with /, got ws",
                "server.maxHandshakeBytes: must be 1024..1048576, got 10",
                "server.drainTimeout: must be 0..10m, got 11m"), e.problems());
    }

    @Test
    void authConfigNeverPrintsTheSecret() {
        AuthConfig auth = new AuthConfig("s".repeat(40), Duration.ofSeconds(5));

        assertFalse(auth.toString().contains("sss"));
        assertFalse(auth.devMode());
    }

    @Test
    void emptySecretMeansDevelopmentMode() {
        assertTrue(new AuthConfig("", Duration.ofSeconds(5)).devMode());
    }

    @Test
    void nodeIdMustBeShortAndPlain() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> new NodeConfig("a b"));

        assertEquals(List.of("node.id: must be 1..64 characters of A-Za-z0-9_.-"), e.problems());
    }

    @Test
    void maxDataBytesMustStayBelowMaxMessageBytes() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> new LimitsConfig(4096, 4096));

        assertEquals(List.of("limits.maxDataBytes: must be 1..4095 (below limits.maxMessageBytes), got 4096"),
                e.problems());
    }

    @Test
    void sessionAndHubRangesAreChecked() {
        assertThrows(InvalidConfigException.class, () -> new SessionConfig(Duration.ofSeconds(1), 0, 10));
        assertThrows(InvalidConfigException.class, () -> new HubConfig(Duration.ofMillis(-1)));
        assertEquals(Duration.ZERO, new HubConfig(Duration.ZERO).unsubscribeGrace());
    }

    @Test
    void formatsAndParsesDurationsInTheirLargestExactUnit() {
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("2h", Durations.format(Duration.ofMinutes(120)));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1500ms").orElseThrow());
        assertEquals(Duration.ofHours(3), Durations.parse("3h").orElseThrow());
        assertEquals(Duration.ZERO, Durations.parse("0").orElseThrow());
        assertTrue(Durations.parse("-5s").isEmpty());
        assertTrue(Durations.parse("5 s").isEmpty());
        assertTrue(Durations.parse("").isEmpty());
    }
}
