package io.crier.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration of the server API's fleet actions and revocations ({@code fleet.*}). */
class FleetConfigTest {

    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void loadsTheBundledDefaults() {
        assertEquals(new FleetConfig(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofHours(24)),
                loader.defaults().fleet());
    }

    @Test
    void theEnvironmentOverridesEachKey() {
        FleetConfig fleet = loader.load(null, Map.of(ConfigLoader.envName("fleet.answerTimeout"), "500ms",
                ConfigLoader.envName("fleet.revocationReload"), "5s",
                ConfigLoader.envName("fleet.maxTokenLifetime"), "1h")).fleet();

        assertEquals(new FleetConfig(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofHours(1)), fleet);
    }

    @Test
    void everyBadFieldIsListedAtOnce() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> new FleetConfig(Duration.ofMillis(10), Duration.ofHours(2), Duration.ofSeconds(1)));

        assertTrue(e.getMessage().contains("fleet.answerTimeout"), e.getMessage());
        assertTrue(e.getMessage().contains("fleet.revocationReload"), e.getMessage());
        assertTrue(e.getMessage().contains("fleet.maxTokenLifetime"), e.getMessage());
    }
}
