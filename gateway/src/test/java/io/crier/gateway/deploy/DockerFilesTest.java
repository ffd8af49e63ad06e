package io.crier.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.transport.Disconnector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * deploy/docker: the Dockerfile (stages, non-root user, JVM flags, health check) and docker-compose.yml (the
 * fleet test's topology: Redis with AOF, three nodes, HAProxy with deploy/haproxy/haproxy.cfg) against the
 * node's configuration and the Kubernetes manifests. The HEALTHCHECK command itself runs against a real node
 * in {@link DeployEndpointsIT}. Each assertion names its rule.
 */
class DockerFilesTest {

    private static final Dockerfile DOCKERFILE = Dockerfile.parse(DeployTree.read("docker/Dockerfile"));

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
}
