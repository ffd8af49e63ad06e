package io.crier.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.HistoryOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration of history, presence, recovery and the HTTP publish API, and their per-namespace keys. */
class HistoryPresenceConfigTest {

    private static final String API_KEY = "api-key-0123456789abcdef0123456789abc";

    private final ConfigLoader loader = new ConfigLoader();

    @TempDir
    Path dir;

    @Test
    void loadsTheBundledDefaultsWithHistoryPresenceAndTheApiOff() {
        CrierConfig config = loader.defaults();

        NamespaceOptions defaults = config.namespaces().defaults();
        assertEquals(new NamespaceOptions(false, true, false, 0, Duration.ofMinutes(5), false, "off", false), defaults);
        assertEquals(new NamespaceOptions(false, true, false), defaults);
        assertFalse(defaults.historyEnabled());
        assertEquals(Optional.empty(), defaults.historyOptions());
        assertFalse(defaults.presenceEnabled());
        assertEquals(new PresenceConfig(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(5), 1000),
                config.presence());
        assertEquals(new ApiConfig("", 100), config.api());
        assertFalse(config.api().enabled());
        assertEquals(new RecoveryConfig(1000), config.recovery());
    }

    @Test
    void namespaceOverridesTurnOnHistoryAndPresenceAndInheritTheRest() throws IOException {
        Path file = write("namespaces.default.historyTtl=1h\nnamespaces.default.presence=count\n"
                + "namespace.chat.historySize=100\nnamespace.chat.historyCommand=true\n"
                + "namespace.chat.presence=full\nnamespace.chat.joinLeave=true\n"
                + "namespace.feed.historySize=5000\nnamespace.feed.historyTtl=30d\nnamespace.feed.clientPublish=false\n");

        NamespacesConfig namespaces = loader.load(file, Map.of()).namespaces();

        assertEquals(new NamespaceOptions(false, true, false, 100, Duration.ofHours(1), true, "full", true),
                namespaces.optionsFor("chat:lobby"));
        NamespaceOptions feed = namespaces.optionsFor("feed:prices");
        assertEquals(new NamespaceOptions(false, false, false, 5000, Duration.ofDays(30), false, "count", false), feed);
        assertEquals(Optional.of(new HistoryOptions(5000, Duration.ofDays(30))), feed.historyOptions());
        assertTrue(feed.presenceEnabled());
        assertFalse(feed.presenceListAllowed());
        assertTrue(namespaces.optionsFor("chat:x").presenceListAllowed());
        assertFalse(namespaces.optionsFor("news").historyEnabled());
    }

    @Test
    void reportsEveryBadHistoryAndPresenceValueByItsFullKey() throws IOException {
        Path file = write("namespace.chat.historySize=100001\nnamespace.chat.historyTtl=31d\n"
                + "namespace.feed.presence=Full\nnamespace.feed.historyTtl=0\n");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file, Map.of()));

        assertEquals(List.of(
                "namespace.chat.historySize: must be 0..100000, got 100001",
                "namespace.chat.historyTtl: must be 1s..30d, got 31d",
                "namespace.feed.historyTtl: must be 1s..30d, got 0",
                "namespace.feed.presence: must be off, full or count, got Full"), e.problems());
    }

    @Test
    void reportsValuesOfNamespaceKeysThatDoNotParse() throws IOException {
        Path file = write("namespace.chat.historySize=lots\nnamespace.chat.historyTtl=5x\nnamespace.chat.joinLeave=1\n");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file, Map.of()));

        assertEquals(List.of(
                "namespace.chat.historySize: not an integer: lots",
                "namespace.chat.historyTtl: not a duration: 5x (use e.g. 250ms, 5s, 2m, 1h, 30d)",
                "namespace.chat.joinLeave: not a boolean: 1 (use true or false)"), e.problems());
    }

    @Test
    void namespaceOptionsCheckTheirOwnValues() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> new NamespaceOptions(true, true, false, -1, Duration.ofMillis(10), false, "on", false));

        assertEquals(List.of("historySize: must be 0..100000, got -1", "historyTtl: must be 1s..30d, got 10ms",
                "presence: must be off, full or count, got on"), e.problems());
        assertThrows(InvalidConfigException.class,
                () -> new NamespaceOptions(true, true, false, 1, null, false, "off", false));
    }

    @Test
    void readsTheNewSectionsAndDefaultNamespaceOptionsFromTheEnvironment() {
        CrierConfig config = loader.load(null, Map.of(
                "CRIER_NAMESPACES_DEFAULT_HISTORY_SIZE", "10",
                "CRIER_NAMESPACES_DEFAULT_PRESENCE", "full",
                "CRIER_PRESENCE_TTL", "1m",
                "CRIER_PRESENCE_MAX_LIST", "50",
                "CRIER_API_KEY", API_KEY,
                "CRIER_API_MAX_BATCH", "7",
                "CRIER_RECOVERY_MAX_PUBLICATIONS", "20000"));

        assertEquals(10, config.namespaces().defaults().historySize());
        assertEquals("full", config.namespaces().defaults().presence());
        assertEquals(Duration.ofMinutes(1), config.presence().ttl());
        assertEquals(50, config.presence().maxList());
        assertTrue(config.api().enabled());
        assertEquals(7, config.api().maxBatch());
        assertEquals(20_000, config.recovery().maxPublications());
    }

    @Test
    void reportsBadPresenceApiAndRecoveryValuesTogether() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(null, Map.of(
                "CRIER_PRESENCE_REFRESH_INTERVAL", "15s",
                "CRIER_PRESENCE_MAX_LIST", "0",
                "CRIER_API_KEY", "short-key",
                "CRIER_API_MAX_BATCH", "10001",
                "CRIER_RECOVERY_MAX_PUBLICATIONS", "0")));

        assertEquals(List.of(
                "presence.refreshInterval (CRIER_PRESENCE_REFRESH_INTERVAL): must be less than half of presence.ttl (30s), got 15s",
                "presence.maxList (CRIER_PRESENCE_MAX_LIST): must be 1..100000, got 0",
                "api.key (CRIER_API_KEY): must be at least 32 bytes, got 9 bytes",
                "api.maxBatch (CRIER_API_MAX_BATCH): must be 1..10000, got 10001",
                "recovery.maxPublications (CRIER_RECOVERY_MAX_PUBLICATIONS): must be 1..100000, got 0"), e.problems());
    }

    @Test
    void presenceChecksEachRange() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> new PresenceConfig(
                Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(2), 1));

        assertEquals(List.of("presence.ttl: must be 2s..1h, got 1s",
                "presence.refreshInterval: must be 100ms..10m, got 10ms",
                "presence.leaveGrace: must be 0..1m, got 2m"), e.problems());
        assertEquals(Duration.ZERO, new PresenceConfig(Duration.ofSeconds(2), Duration.ofMillis(999), Duration.ZERO, 1)
                .leaveGrace());
    }

    @Test
    void describeShowsTheNewSectionsButNeverTheApiKey() {
        CrierConfig config = loader.load(null, Map.of("CRIER_API_KEY", API_KEY));

        String text = config.describe();

        assertTrue(text.contains("api: key=<redacted> maxBatch=100"), text);
        assertTrue(text.contains("presence: ttl=30s refreshInterval=10s leaveGrace=5s maxList=1000"), text);
        assertTrue(text.contains("recovery: maxPublications=1000"), text);
        assertFalse(text.contains(API_KEY), text);
        assertFalse(config.api().toString().contains(API_KEY));
        assertTrue(loader.defaults().describe().contains("api: key=<none: HTTP API off>"));
    }

    @Test
    void durationsTakeDaysAndPrintWholeDaysAsDays() {
        assertEquals(Duration.ofDays(30), Durations.parse("30d").orElseThrow());
        assertEquals("30d", Durations.format(Duration.ofDays(30)));
        assertEquals("25h", Durations.format(Duration.ofHours(25)));
        assertEquals("999999999999d", Durations.format(Durations.parse("999999999999d").orElseThrow()));
    }

    private Path write(String content) throws IOException {
        Path file = dir.resolve("crier.properties");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
