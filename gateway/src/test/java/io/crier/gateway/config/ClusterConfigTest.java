package io.crier.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The cluster view's keys: cluster.nodeLease, cluster.nodeRefreshInterval and node.advertiseAddress. */
class ClusterConfigTest {

    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void defaultsAreAFifteenSecondLeaseRenewedEveryFiveAndTheBoundAddress() {
        CrierConfig config = loader.defaults();
        assertEquals(new ClusterConfig(Duration.ofSeconds(15), Duration.ofSeconds(5)), config.cluster());
        assertEquals("", config.node().advertiseAddress());
        assertTrue(config.describe().contains("cluster: nodeLease=15s nodeRefreshInterval=5s"), config.describe());
    }

    @Test
    void environmentSetsEveryKey() {
        CrierConfig config = loader.load(null, Map.of("CRIER_CLUSTER_NODE_LEASE", "2s",
                "CRIER_CLUSTER_NODE_REFRESH_INTERVAL", "500ms", "CRIER_NODE_ADVERTISE_ADDRESS", "gw-1.example:443"));
        assertEquals(new ClusterConfig(Duration.ofSeconds(2), Duration.ofMillis(500)), config.cluster());
        assertEquals("gw-1.example:443", config.node().advertiseAddress());
    }

    @Test
    void refreshMustBeLessThanHalfTheLease() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(null, Map.of(
                "CRIER_CLUSTER_NODE_LEASE", "10s", "CRIER_CLUSTER_NODE_REFRESH_INTERVAL", "5s")));
        assertTrue(e.getMessage().contains("cluster.nodeRefreshInterval"), e.getMessage());
        new ClusterConfig(Duration.ofSeconds(10), Duration.ofMillis(4999));
    }

    @Test
    void leaseAndRefreshOutsideTheirRangesAreReportedTogether() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> new ClusterConfig(Duration.ofMillis(500), Duration.ofMillis(10)));
        assertTrue(e.getMessage().contains("cluster.nodeLease"), e.getMessage());
        assertTrue(e.getMessage().contains("cluster.nodeRefreshInterval"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.5:8080", "gw-1.example.com:443", "[::1]:9090", "[2001:db8::7]:1", "h:65535"})
    void acceptsHostPortAddresses(String address) {
        assertEquals(address, new NodeConfig("n1", address).advertiseAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.5", ":8080", "h:0", "h:65536", "h:80x", "::1:9090", "http://h:80", "h :80",
        "h:80/ws"})
    void rejectsWhatIsNotHostPort(String address) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> new NodeConfig("n1", address));
        assertTrue(e.getMessage().contains("node.advertiseAddress"), e.getMessage());
    }
}
