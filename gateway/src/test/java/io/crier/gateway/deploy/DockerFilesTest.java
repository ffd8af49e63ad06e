package io.crier.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.transport.Disconnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/docker: the Dockerfile (stages, non-root user, JVM flags, health check), docker-compose.yml (the
 * fleet test's topology: Redis with AOF, three nodes, HAProxy with deploy/haproxy/haproxy.cfg) and its variants
 * with Redis Sentinel and Redis Cluster (the same nodes and HAProxy; the Redis settings against the table
 * "Settings that must agree" of deploy/README.md) against the node's configuration and the Kubernetes
 * manifests. The HEALTHCHECK command itself runs against a real node in {@link DeployEndpointsIT}. Each
 * assertion names its rule.
 */
class DockerFilesTest {

    private static final Dockerfile DOCKERFILE = Dockerfile.parse(DeployTree.read("docker/Dockerfile"));
    /** The node settings a variant may change: where Redis is, how to use it, and the trusted network. */
    private static final Set<String> VARIANT_SETTINGS = Set.of(ConfigLoader.envName("redis.uri"),
            ConfigLoader.envName("redis.mode"), ConfigLoader.envName("server.trustedProxies"));
    private static final Pattern REDIS_IMAGE = Pattern.compile("redis:(\\d+)(\\.\\d+)*");

    @Test
    void theImageIsBuiltInOneStageAndRunsOnTheJreInAnother() {
        List<String> from = DOCKERFILE.all("FROM");
        assertEquals(2, from.size(), "rule: a multi-stage build");
        assertTrue(from.get(0).startsWith("maven:3.8-eclipse-temurin-17 "), "rule: built on maven:3.8-eclipse-temurin-17");
        assertEquals("eclipse-temurin:17-jre", from.get(1), "rule: runs on eclipse-temurin:17-jre");
        assertTrue(DOCKERFILE.last("ENTRYPOINT").startsWith("[\"java\""), "rule: exec-form ENTRYPOINT (java gets SIGTERM)");
    }

    @Test
    void theImageRunsAsTheSameNumericNonRootUserAsThePod() {
        String user = DOCKERFILE.last("USER").split(":")[0];
        assertTrue(user.matches("[0-9]+") && Integer.parseInt(user) > 0,
                "rule: USER is numeric and not root (runAsNonRoot can only verify a numeric user), got " + user);
        for (String variant : List.of("base", "overlays/dev", "overlays/production")) {
            assertEquals(Integer.parseInt(user), Yamls.integer(K8s.podSpec(K8s.build(variant)), "securityContext", "runAsUser"),
                    "rule: the pod's runAsUser (" + variant + ") is the image's USER");
        }
    }

    @Test
    void theImageListensOnAllInterfacesWithContainerAwareJvmFlags() {
        String env = String.join(" ", DOCKERFILE.all("ENV"));
        assertTrue(env.contains("CRIER_SERVER_HOST=0.0.0.0"), "rule: CRIER_SERVER_HOST=0.0.0.0 in the image");
        for (String flag : List.of("-XX:+UseContainerSupport", "-XX:MaxRAMPercentage=", "-Dio.lettuce.core.iouring=false")) {
            assertTrue(env.contains(flag), "rule: JAVA_TOOL_OPTIONS has " + flag);
        }
        int port = DeployedConfig.load(Map.of()).server().port();
        assertTrue(List.of(DOCKERFILE.last("EXPOSE").split(" ")).contains(String.valueOf(port)), "rule: EXPOSE server.port");
        assertTrue(DOCKERFILE.healthCheckCommand().contains("/healthz"), "rule: the HEALTHCHECK asks /healthz");
    }

    @Test
    void composeHasRedisThreeNodesAndHaproxy() {
        assertEquals(new TreeSet<>(List.of("redis", "node1", "node2", "node3", "haproxy")),
                new TreeSet<>(ComposeFile.services().keySet()), "rule: compose = redis + three nodes + haproxy");
        List<Object> redis = Yamls.listAt(ComposeFile.service("redis"), "command");
        String command = String.join(" ", redis.stream().map(String::valueOf).toList());
        assertTrue(command.contains("--appendonly yes") && command.contains("--appendfsync always"),
                "rule: Redis persists with AOF, appendfsync always, like the fleet test's Redis");
    }

    @Test
    void composeMountsTheHaproxyConfigUnchangedAndPointsItAtTheNodes() {
        List<Object> volumes = Yamls.listAt(ComposeFile.service("haproxy"), "volumes");
        assertTrue(volumes.stream().anyMatch(v -> v.toString().startsWith("../haproxy/haproxy.cfg:")),
                "rule: compose mounts deploy/haproxy/haproxy.cfg itself");
        Map<String, String> env = ComposeFile.environment("haproxy");
        for (int i = 1; i <= 3; i++) {
            String node = "node" + i;
            int port = DeployedConfig.load(ComposeFile.environment(node)).server().port();
            assertEquals(node + ":" + port, env.get("LB_NODE" + i), "rule: LB_NODE" + i + " is " + node + ":server.port");
        }
    }

    @Test
    void composeNodesAgreeWithTheLoadBalancerAndTheirOwnLimits() {
        Set<String> known = Set.copyOf(DeployedConfig.knownEnvNames());
        Set<String> nodeIds = new TreeSet<>();
        for (String node : ComposeFile.NODES) {
            Map<String, String> env = ComposeFile.environment(node);
            env.keySet().stream().filter(n -> n.startsWith("CRIER_"))
                    .forEach(n -> assertTrue(known.contains(n), "rule: " + n + " (" + node + ") names a configuration key"));
            CrierConfig config = DeployedConfig.load(env);
            nodeIds.add(config.node().id());
            assertEquals("0.0.0.0", config.server().host(), "rule: " + node + " listens on 0.0.0.0");
            assertTrue(config.redis().uri().startsWith("redis://redis:"), "rule: " + node + " uses the compose Redis");
            assertTrue(config.server().proxyProtocol(), "rule: " + node + " reads the PROXY header that haproxy.cfg sends");
            Object ipam = Yamls.listAt(ComposeFile.compose(), "networks", "default", "ipam", "config").get(0);
            String subnet = Yamls.text(Yamls.map(ipam, "networks.default.ipam.config[0]"), "subnet");
            assertEquals(List.of(subnet), config.server().trustedProxies(),
                    "rule: " + node + " trusts PROXY headers from the compose network only (where HAProxy is)");
            assertTrue(ComposeFile.nofile(node) >= config.limits().maxConnections() + 1024,
                    "rule: " + node + " nofile >= limits.maxConnections + 1024");
            Duration stop = Duration.parse("PT" + Yamls.text(ComposeFile.service(node), "stop_grace_period").toUpperCase());
            Duration needed = config.drain().readinessDelay().plus(config.drain().window())
                    .plus(Disconnector.CLOSE_TIMEOUT.multipliedBy(2));
            assertTrue(stop.compareTo(needed) > 0, "rule: " + node + " stop_grace_period " + stop
                    + " > drain.readinessDelay + drain.window + 2 x close");
        }
        assertEquals(3, nodeIds.size(), "rule: each node has its own node.id");
        assertTrue(ComposeFile.environment("node1").containsKey(ConfigLoader.envName("redis.uri")),
                "rule: Redis is named by " + ConfigLoader.envName("redis.uri"));
    }

    @ParameterizedTest
    @ValueSource(strings = {ComposeFile.SENTINEL, ComposeFile.CLUSTER})
    void composeVariantsRunTheBaseFilesNodesAndHaproxyOnANetworkOfTheirOwn(String file) {
        assertNotEquals(Yamls.text(ComposeFile.compose(), "name"), Yamls.text(ComposeFile.compose(file), "name"),
                "rule: " + file + " is a project of its own (containers, volumes and network apart from docker-compose.yml's)");
        Set<String> subnets = new HashSet<>();
        for (String other : List.of(ComposeFile.BASE, ComposeFile.SENTINEL, ComposeFile.CLUSTER)) {
            subnets.add(ComposeFile.subnet(other));
        }
        assertEquals(3, subnets.size(), "rule: each compose file has a subnet of its own, so that their networks never overlap");
        for (String node : ComposeFile.NODES) {
            Map<String, Object> base = ComposeFile.service(node);
            Map<String, Object> variant = ComposeFile.service(file, node);
            for (String key : List.of("build", "image", "hostname", "stop_grace_period", "ulimits", "restart")) {
                assertEquals(base.get(key), variant.get(key), "rule: " + file + " " + node + " " + key + " is docker-compose.yml's");
            }
            Map<String, String> baseEnv = new TreeMap<>(ComposeFile.environment(node));
            Map<String, String> variantEnv = new TreeMap<>(ComposeFile.environment(file, node));
            baseEnv.keySet().removeAll(VARIANT_SETTINGS);
            variantEnv.keySet().removeAll(VARIANT_SETTINGS);
            assertEquals(baseEnv, variantEnv, "rule: " + file + " " + node + " has docker-compose.yml's settings but "
                    + VARIANT_SETTINGS);
            CrierConfig config = ComposeFile.nodeConfig(file, node);
            assertEquals(List.of(ComposeFile.subnet(file)), config.server().trustedProxies(),
                    "rule: " + file + " " + node + " trusts PROXY headers from its own network only (where HAProxy is)");
            variantEnv = ComposeFile.environment(file, node);
            List<String> accepted = DeployedConfig.knownEnvNames();
            variantEnv.keySet().stream().filter(n -> n.startsWith("CRIER_"))
                    .forEach(n -> assertTrue(accepted.contains(n), "rule: " + n + " (" + file + " " + node + ") names a configuration key"));
        }
        assertEquals(ComposeFile.service("haproxy"), ComposeFile.service(file, "haproxy"),
                "rule: " + file + " runs docker-compose.yml's HAProxy (haproxy.cfg unchanged, LB_NODEn the service names)");
    }

    @ParameterizedTest
    @ValueSource(strings = {ComposeFile.BASE, ComposeFile.SENTINEL, ComposeFile.CLUSTER})
    void everyRedisIsSevenOrNewer(String file) {
        int redisServices = 0;
        for (Map.Entry<String, Object> service : ComposeFile.services(file).entrySet()) {
            Object image = Yamls.map(service.getValue(), service.getKey()).get("image");
            if (image != null && image.toString().startsWith("redis:")) {
                Matcher tag = REDIS_IMAGE.matcher(image.toString());
                assertTrue(tag.matches() && Integer.parseInt(tag.group(1)) >= 7,
                        "rule: " + file + " " + service.getKey() + " runs Redis 7.0 or newer (functions; sharded pub/sub), got " + image);
                redisServices++;
            }
        }
        assertTrue(redisServices > 0, "rule: " + file + " runs Redis");
    }

    @Test
    void theSentinelVariantsNodesNameEverySentinelAndTheMonitoredMaster() {
        String file = ComposeFile.SENTINEL;
        List<String> sentinels = List.of("sentinel-1", "sentinel-2", "sentinel-3");
        List<String> dataNodes = List.of("redis-1", "redis-2");
        Set<String> monitors = new TreeSet<>();
        for (String sentinel : sentinels) {
            List<String> lines = ComposeFile.writtenLines(file, sentinel);
            assertEquals(sentinel, Yamls.text(ComposeFile.service(file, sentinel), "hostname"),
                    "rule: " + sentinel + "'s hostname is its service name (it announces $(hostname))");
            for (String line : List.of("port 26379", "sentinel resolve-hostnames yes", "sentinel announce-hostnames yes",
                    "sentinel announce-ip $$(hostname)", "sentinel down-after-milliseconds mymaster 5000",
                    "sentinel failover-timeout mymaster 10000")) {
                assertTrue(lines.contains(line), "rule: " + sentinel + " is configured with '" + line + "', got " + lines);
            }
            lines.stream().filter(l -> l.startsWith("sentinel monitor ")).forEach(monitors::add);
            assertTrue(lines.indexOf("sentinel resolve-hostnames yes") < indexStartingWith(lines, "sentinel monitor "),
                    "rule: " + sentinel + " resolves host names before the monitor line names one");
            for (String dataNode : dataNodes) {
                assertEquals("service_healthy", ComposeFile.dependsOn(file, sentinel).get(dataNode),
                        "rule: " + sentinel + " starts once " + dataNode + " answers (its name must resolve)");
            }
        }
        assertEquals(Set.of("sentinel monitor mymaster redis-1 6379 2"), monitors,
                "rule: the three sentinels monitor one master, redis-1, with a quorum of 2");
        for (String dataNode : dataNodes) {
            List<String> lines = ComposeFile.writtenLines(file, dataNode);
            assertEquals(dataNode, Yamls.text(ComposeFile.service(file, dataNode), "hostname"),
                    "rule: " + dataNode + "'s hostname is its service name (it announces $(hostname))");
            assertTrue(lines.contains("replica-announce-ip $$(hostname)"),
                    "rule: " + dataNode + " is known to the sentinels by its name, not an address Docker may change");
            assertTrue(lines.containsAll(List.of("appendonly yes", "appendfsync always")),
                    "rule: " + dataNode + " persists with AOF, appendfsync always");
        }
        assertTrue(ComposeFile.writtenLines(file, "redis-2").contains("replicaof redis-1 6379"),
                "rule: redis-2 starts as the replica of the monitored master");
        for (String node : ComposeFile.NODES) {
            String uri = ComposeFile.environment(file, node).get(ConfigLoader.envName("redis.uri"));
            assertEquals("redis-sentinel://" + String.join(",", sentinels.stream().map(s -> s + ":26379").toList())
                    + "#mymaster", uri, "rule: " + node + " names every sentinel and the master they monitor");
            for (String sentinel : sentinels) {
                assertEquals("service_healthy", ComposeFile.dependsOn(file, node).get(sentinel),
                        "rule: " + node + " starts once " + sentinel + " is healthy");
            }
            CrierConfig config = ComposeFile.nodeConfig(file, node);
            assertFailoverSettingsAgree(file + " " + node, config, Duration.ofMillis(5000), "down-after-milliseconds");
        }
    }

    @Test
    void theClusterVariantCreatesSixNodesWithOneReplicaEachAndItsNodesUseClusterMode() {
        String file = ComposeFile.CLUSTER;
        List<String> redisNodes = IntStream.rangeClosed(1, 6).mapToObj(i -> "redis-node-" + i).toList();
        Map<String, Object> ipam = ComposeFile.ipam(file);
        AddressBlock subnet = AddressBlock.of(Yamls.text(ipam, "subnet"));
        AddressBlock dynamic = AddressBlock.of(Yamls.text(ipam, "ip_range"));
        List<String> addresses = new ArrayList<>();
        for (String redisNode : redisNodes) {
            String command = String.join(" ", ComposeFile.command(file, redisNode));
            for (String option : List.of("--cluster-enabled yes", "--cluster-node-timeout 5000", "--appendonly yes",
                    "--appendfsync always")) {
                assertTrue(command.contains(option), "rule: " + redisNode + " runs with " + option + ", got " + command);
            }
            assertFalse(command.contains("cluster-allow-pubsubshard-when-down no"),
                    "rule: " + redisNode + " keeps cluster-allow-pubsubshard-when-down yes (the default)");
            String address = Yamls.text(ComposeFile.service(file, redisNode), "networks", "default", "ipv4_address");
            assertTrue(subnet.contains(address) && !dynamic.contains(address), "rule: " + redisNode + "'s fixed address "
                    + address + " is in the subnet and outside the ip_range Docker hands out");
            addresses.add(address);
            assertEquals("service_healthy", ComposeFile.dependsOn(file, "redis-cluster-init").get(redisNode),
                    "rule: the cluster is created once " + redisNode + " answers");
        }
        String init = ComposeFile.script(file, "redis-cluster-init").replace("\\\n", " ").replaceAll("\\s+", " ");
        assertTrue(init.contains("redis-cli --cluster create " + String.join(" ", addresses.stream().map(a -> a + ":6379").toList())
                        + " --cluster-replicas 1 --cluster-yes"),
                "rule: redis-cluster-init creates the cluster of the six nodes, one replica per primary, got " + init);
        assertTrue(init.contains("cluster_slots_assigned:0"), "rule: redis-cluster-init creates the cluster only when no slot is assigned yet");
        assertEquals("no", Yamls.text(ComposeFile.service(file, "redis-cluster-init"), "restart"),
                "rule: redis-cluster-init is one-shot");
        for (String node : ComposeFile.NODES) {
            Map<String, String> env = ComposeFile.environment(file, node);
            assertEquals("cluster", env.get(ConfigLoader.envName("redis.mode")), "rule: " + node + " uses Redis Cluster mode");
            String uri = env.get(ConfigLoader.envName("redis.uri"));
            assertTrue(uri.startsWith("redis://"), "rule: " + node + "'s seeds are redis:// (or rediss://) URIs, got " + uri);
            for (String seed : uri.substring("redis://".length()).split(",")) {
                assertTrue(redisNodes.contains(seed.replace(":6379", "")) && seed.endsWith(":6379"),
                        "rule: " + node + "'s seed " + seed + " is a cluster node's service name and port");
            }
            assertEquals(Map.of("redis-cluster-init", "service_completed_successfully"), ComposeFile.dependsOn(file, node),
                    "rule: " + node + " starts once the cluster exists");
            assertFailoverSettingsAgree(file + " " + node, ComposeFile.nodeConfig(file, node), Duration.ofMillis(5000),
                    "cluster-node-timeout");
        }
    }

    /** The rows of "Settings that must agree" that compare the node's Redis timeouts with the failure detection. */
    private static void assertFailoverSettingsAgree(String where, CrierConfig config, Duration detection, String name) {
        assertTrue(config.redis().commandTimeout().compareTo(detection) <= 0, "rule: " + where + " redis.commandTimeout "
                + config.redis().commandTimeout() + " <= " + name + " " + detection.toMillis() + " ms");
        assertTrue(config.redis().reconnectMaxDelay().multipliedBy(2).compareTo(detection) <= 0, "rule: " + where
                + " redis.reconnectMaxDelay " + config.redis().reconnectMaxDelay() + " well under " + name + " "
                + detection.toMillis() + " ms (at most half)");
    }

    private static int indexStartingWith(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with " + prefix + ": " + lines);
    }

    /** An IPv4 block a.b.c.d/n, enough to tell whether an address is in it. */
    private record AddressBlock(long network, int bits) {

        static AddressBlock of(String cidr) {
            String[] parts = cidr.split("/");
            return new AddressBlock(value(parts[0]), Integer.parseInt(parts[1]));
        }

        boolean contains(String address) {
            long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
            return (value(address) & mask) == (network & mask);
        }

        private static long value(String address) {
            long value = 0;
            for (String octet : address.split("\\.")) {
                value = value << 8 | Integer.parseInt(octet);
            }
            return value;
        }
    }
}
