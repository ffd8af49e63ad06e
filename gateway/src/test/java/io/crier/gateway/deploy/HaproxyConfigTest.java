package io.crier.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.config.CrierConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HAProxy configurations (deploy/haproxy) against the cross-layer table of deploy/README.md: timeouts
 * against the heartbeat, health checks against /readyz and the drain, retries of a refused upgrade, and maxconn
 * against file descriptors. {@code haproxy -c} itself runs in {@link DeployEndpointsIT}. Each assertion names
 * its rule.
 */
class HaproxyConfigTest {

    static final List<String> CONFIGS = List.of("haproxy.cfg", "haproxy-tls-termination.cfg",
            "haproxy-tls-passthrough.cfg");
    // `ulimit -n` on the machines the fleet test runs on (DeployEndpointsIT compares with this machine's own).
    private static final int TEST_MACHINE_FD_LIMIT = 20_000;

    @ParameterizedTest
    @ValueSource(strings = {"haproxy.cfg", "haproxy-tls-termination.cfg", "haproxy-tls-passthrough.cfg"})
    void theTunnelTimeoutOutlastsTwoHeartbeats(String file) {
        HaproxyCfg cfg = cfg(file);
        Duration tunnel = HaproxyCfg.time(cfg.value("defaults", "timeout tunnel")
                .orElseThrow(() -> new AssertionError("rule: " + file + " sets timeout tunnel")));
        Duration heartbeat = longestHeartbeat();
        assertTrue(tunnel.compareTo(heartbeat.multipliedBy(2)) > 0,
                "rule: " + file + " timeout tunnel " + tunnel + " > 2 x session.heartbeat " + heartbeat);
        assertTrue(cfg.value("defaults", "timeout client-fin").isPresent(), "rule: " + file + " sets timeout client-fin");
        assertTrue(cfg.value("defaults", "timeout server-fin").isPresent(), "rule: " + file + " sets timeout server-fin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"haproxy.cfg", "haproxy-tls-termination.cfg", "haproxy-tls-passthrough.cfg"})
    void everyBackendChecksReadyzAndBalancesOnConnections(String file) {
        HaproxyCfg cfg = cfg(file);
        List<String> backends = cfg.sectionsOf("backend");
        assertFalse(backends.isEmpty(), "rule: " + file + " has a backend");
        for (String backend : backends) {
            assertEquals(Optional.of("GET /readyz"), cfg.value(backend, "option httpchk"),
                    "rule: " + file + " " + backend + " checks GET /readyz");
            assertEquals(Optional.of("status 200"), cfg.value(backend, "http-check expect"),
                    "rule: " + file + " " + backend + " expects 200 (/readyz is 503 while draining)");
            assertEquals(Optional.of("leastconn"), cfg.value(backend, "balance"), "rule: " + file + " balance leastconn");
            assertEquals(3, cfg.lines(backend).stream().filter(l -> l.startsWith("server ")).count(),
                    "rule: " + file + " " + backend + " has three servers");
            assertFalse(cfg.lines(backend).stream().anyMatch(l -> l.contains("shutdown-sessions")),
                    "rule: " + file + " never cuts a draining node's sessions at once");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"haproxy.cfg", "haproxy-tls-termination.cfg"})
    void anUpgradeRefusedByADrainingNodeIsRetriedElsewhere(String file) {
        HaproxyCfg cfg = cfg(file);
        assertEquals(Optional.of("http"), cfg.value("defaults", "mode"), "rule: " + file + " is mode http");
        for (String backend : cfg.sectionsOf("backend")) {
            List<String> retryOn = List.of(cfg.value(backend, "retry-on").orElse("").split(" "));
            assertTrue(retryOn.containsAll(List.of("conn-failure", "empty-response", "503")),
                    "rule: " + file + " retry-on conn-failure empty-response 503");
            assertTrue(Integer.parseInt(cfg.value(backend, "retries").orElse("0")) >= 1, "rule: " + file + " retries >= 1");
            assertTrue(cfg.line(backend, "option redispatch").isPresent(), "rule: " + file + " option redispatch");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"haproxy.cfg", "haproxy-tls-termination.cfg", "haproxy-tls-passthrough.cfg"})
    void aDrainingNodeLeavesRotationBeforeItRefusesUpgrades(String file) {
        HaproxyCfg cfg = cfg(file);
        for (String backend : cfg.sectionsOf("backend")) {
            String defaults = cfg.line(backend, "default-server").orElseThrow(() -> new AssertionError(
                    "rule: " + file + " sets inter/fall/rise on default-server"));
            Duration inter = HaproxyCfg.time(HaproxyCfg.option(defaults, "inter").orElse("2s"));
            int fall = Integer.parseInt(HaproxyCfg.option(defaults, "fall").orElse("3"));
            Duration checkTimeout = HaproxyCfg.time(cfg.value("defaults", "timeout check").orElse("0"));
            Duration detection = inter.multipliedBy(fall).plus(checkTimeout);
            for (Duration delay : List.of(ComposeFile.nodeConfig().drain().readinessDelay(),
                    DeployedConfig.load(Map.of()).drain().readinessDelay())) {
                assertTrue(detection.compareTo(delay) < 0, "rule: " + file + " inter x fall + timeout check " + detection
                        + " < drain.readinessDelay " + delay + " (compose nodes, bundled default)");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"haproxy.cfg", "haproxy-tls-termination.cfg", "haproxy-tls-passthrough.cfg"})
    void maxconnFitsTheFileDescriptorLimit(String file) {
        int maxconn = Integer.parseInt(cfg(file).value("global", "maxconn")
                .orElseThrow(() -> new AssertionError("rule: " + file + " sets a global maxconn")));
        assertTrue(2 * maxconn + 1000 <= TEST_MACHINE_FD_LIMIT, "rule: " + file + " 2 x maxconn + 1000 <= ulimit -n "
                + TEST_MACHINE_FD_LIMIT + " of the test machines");
        assertTrue(2 * maxconn + 1000 <= ComposeFile.nofile("haproxy"),
                "rule: " + file + " 2 x maxconn + 1000 <= the compose haproxy nofile ulimit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"haproxy.cfg", "haproxy-tls-termination.cfg", "haproxy-tls-passthrough.cfg"})
    void everyConnectionToANodeCarriesTheClientAddress(String file) {
        HaproxyCfg cfg = cfg(file);
        String backend = file.contains("passthrough") ? "backend crier_nodes_tls" : "backend crier_nodes";
        String defaults = cfg.value(backend, "default-server").orElseThrow();
        assertTrue(List.of(defaults.split(" ")).containsAll(List.of("send-proxy-v2", "check-send-proxy")),
                "rule: " + file + " sends a PROXY v2 header on every connection and health check: " + defaults);
    }

    @Test
    void theMainConfigHasAStatsPageAndAddressesATestCanSwap() {
        HaproxyCfg cfg = cfg("haproxy.cfg");
        assertTrue(cfg.line("listen stats", "stats enable").isPresent(), "rule: a stats page (listen stats)");
        List<String> variables = new ArrayList<>();
        for (String header : List.of("frontend crier", "listen stats")) {
            variables.add(HaproxyCfg.variable(cfg.value(header, "bind").orElseThrow()).orElse(""));
        }
        for (String server : cfg.lines("backend crier_nodes").stream().filter(l -> l.startsWith("server ")).toList()) {
            variables.add(HaproxyCfg.variable(server.split(" ")[2]).orElse(""));
        }
        assertEquals(List.of("LB_BIND", "LB_STATS_BIND", "LB_NODE1", "LB_NODE2", "LB_NODE3"), variables,
                "rule: every address is a ${NAME-example} variable that the fleet test and compose set");
    }

    static HaproxyCfg cfg(String file) {
        return HaproxyCfg.parse(DeployTree.path("haproxy/" + file));
    }

    private static Duration longestHeartbeat() {
        Duration longest = ComposeFile.nodeConfig().session().heartbeat();
        for (String variant : List.of("base", "overlays/dev", "overlays/production")) {
            CrierConfig config = DeployedConfig.load(DeployedConfig.withPlaceholdersReplaced(
                    DeployedConfig.environment(K8s.build(variant))));
            longest = config.session().heartbeat().compareTo(longest) > 0 ? config.session().heartbeat() : longest;
        }
        return longest;
    }
}
