package io.crier.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.config.InvalidConfigException;
import io.crier.gateway.transport.Disconnector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests (deploy/k8s: the base and each overlay, built the way kustomize applies the
 * patches) against the cross-layer tables of deploy/README.md and the node's real configuration rules; the
 * overlays redis-sentinel and redis-cluster against the Redis they expect. Each assertion names its rule.
 */
class K8sManifestsTest {

    private static final Set<String> SECRET_KEYS = Set.of("auth.hmacSecret", "admin.key", "api.key");

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production", "overlays/redis-sentinel", "overlays/redis-cluster"})
    void everyManifestAndPatchParsesAndEachPatchHitsAResource(String variant) {
        List<Map<String, Object>> manifests = K8s.build(variant);
        Set<String> kinds = new TreeSet<>();
        manifests.forEach(m -> kinds.add(Yamls.text(m, "kind")));
        assertEquals(new TreeSet<>(List.of("ConfigMap", "Deployment", "HorizontalPodAutoscaler",
                "PodDisruptionBudget", "Secret", "Service")), kinds, "rule: the " + variant + " variant ships every kind");
        for (Path patch : KustomizeBuild.patchFiles(K8s.dir(variant))) {
            assertFalse(DeployTree.yaml(patch).isEmpty(), "rule: patch " + patch + " is not empty");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production", "overlays/redis-sentinel", "overlays/redis-cluster"})
    void theGracePeriodOutlastsPreStopPlusTheDrainWindowPlusTheCloseHandshakes(String variant) {
        List<Map<String, Object>> manifests = K8s.build(variant);
        CrierConfig config = effective(manifests);
        Duration grace = Duration.ofSeconds(Yamls.integer(K8s.podSpec(manifests), "terminationGracePeriodSeconds"));
        Duration needed = K8s.preStop(K8s.container(manifests)).plus(config.drain().readinessDelay())
                .plus(config.drain().window()).plus(Disconnector.CLOSE_TIMEOUT.multipliedBy(2));
        assertTrue(grace.compareTo(needed) > 0, "rule (" + variant + "): terminationGracePeriodSeconds " + grace
                + " > preStop + drain.readinessDelay + drain.window + 2 x close timeout = " + needed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production", "overlays/redis-sentinel", "overlays/redis-cluster"})
    void probesPointAtTheHealthEndpointsOnTheNodesPort(String variant) {
        List<Map<String, Object>> manifests = K8s.build(variant);
        Map<String, Object> container = K8s.container(manifests);
        int serverPort = effective(manifests).server().port();
        assertEquals("/healthz", Yamls.text(container, "livenessProbe", "httpGet", "path"), "rule: liveness on /healthz");
        assertEquals("/readyz", Yamls.text(container, "readinessProbe", "httpGet", "path"), "rule: readiness on /readyz");
        assertEquals("/healthz", Yamls.text(container, "startupProbe", "httpGet", "path"), "rule: startup on /healthz");
        assertEquals(serverPort, K8s.httpPort(container), "rule: the container port is server.port");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertEquals(serverPort, K8s.probePort(container, probe), "rule: the " + probe + " port is server.port");
        }
        assertEquals("0.0.0.0", effective(manifests).server().host(),
                "rule: server.host is 0.0.0.0, or the probes and the Service cannot reach the node");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production", "overlays/redis-sentinel", "overlays/redis-cluster"})
    void aDrainingPodLeavesTheEndpointsBeforeItRefusesUpgrades(String variant) {
        List<Map<String, Object>> manifests = K8s.build(variant);
        Map<String, Object> container = K8s.container(manifests);
        Duration detection = K8s.probeDetection(container, "readinessProbe").plus(Duration.ofSeconds(
                Yamls.integer(container, "readinessProbe", "timeoutSeconds")));
        Duration delay = effective(manifests).drain().readinessDelay();
        assertTrue(detection.compareTo(delay) <= 0, "rule (" + variant + "): readiness periodSeconds x failureThreshold"
                + " + timeoutSeconds " + detection + " <= drain.readinessDelay " + delay);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production", "overlays/redis-sentinel", "overlays/redis-cluster"})
    void thePrometheusAnnotationsPointAtMetricsOnTheContainerPort(String variant) {
        List<Map<String, Object>> manifests = K8s.build(variant);
        Map<String, Object> annotations = Yamls.mapAt(K8s.deployment(manifests), "spec", "template", "metadata",
                "annotations");
        assertEquals("true", annotations.get("prometheus.io/scrape"), "rule: prometheus.io/scrape is \"true\"");
        assertEquals("/metrics", annotations.get("prometheus.io/path"), "rule: prometheus.io/path is /metrics");
        assertEquals(String.valueOf(K8s.httpPort(K8s.container(manifests))), annotations.get("prometheus.io/port"),
                "rule: prometheus.io/port is the container port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production", "overlays/redis-sentinel", "overlays/redis-cluster"})
    void thePodRunsAsNonRootWithAReadOnlyRootAndNoPrivileges(String variant) {
        List<Map<String, Object>> manifests = K8s.build(variant);
        Map<String, Object> pod = K8s.podSpec(manifests);
        Map<String, Object> container = K8s.container(manifests);
        assertEquals(true, Yamls.at(pod, "securityContext", "runAsNonRoot"), "rule: pod runAsNonRoot");
        assertTrue(Yamls.integer(pod, "securityContext", "runAsUser") > 0, "rule: pod runAsUser is not root");
        assertEquals(true, Yamls.at(container, "securityContext", "runAsNonRoot"), "rule: container runAsNonRoot");
        assertEquals(true, Yamls.at(container, "securityContext", "readOnlyRootFilesystem"), "rule: read-only root");
        assertEquals(false, Yamls.at(container, "securityContext", "allowPrivilegeEscalation"),
                "rule: no privilege escalation");
        assertEquals(List.of("ALL"), Yamls.at(container, "securityContext", "capabilities", "drop"),
                "rule: every capability dropped");
        assertTrue(Yamls.listAt(container, "volumeMounts").stream()
                        .anyMatch(m -> "/tmp".equals(Yamls.map(m, "mount").get("mountPath"))),
                "rule: /tmp is a volume (Netty unpacks its native transport there; the root is read-only)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production", "overlays/redis-sentinel", "overlays/redis-cluster"})
    void resourcesAreSetAndTheHeapFollowsTheContainerLimit(String variant) {
        Map<String, Object> container = K8s.container(K8s.build(variant));
        for (String path : List.of("requests.cpu", "requests.memory", "limits.memory")) {
            assertTrue(Yamls.find(container, ("resources." + path).split("\\.")) != null, "rule: resources." + path + " set");
        }
        String jvm = DeployedConfig.containerEnv(container).getOrDefault("JAVA_TOOL_OPTIONS", "");
        assertTrue(jvm.contains("-XX:MaxRAMPercentage="), "rule: JAVA_TOOL_OPTIONS sizes the heap from the limit");
        assertTrue(jvm.contains("-Dio.lettuce.core.iouring=false"), "rule: JAVA_TOOL_OPTIONS turns io_uring off for Lettuce");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production", "overlays/redis-sentinel", "overlays/redis-cluster"})
    void everyCrierVariableIsARealConfigurationKey(String variant) {
        List<Map<String, Object>> manifests = K8s.build(variant);
        List<String> known = DeployedConfig.knownEnvNames();
        for (String name : DeployedConfig.environment(manifests).keySet()) {
            if (name.startsWith("CRIER_")) {
                assertTrue(known.contains(name), "rule: " + name + " (" + variant + ") names a configuration key");
            }
        }
        assertEquals(false, Yamls.at(K8s.podSpec(manifests), "enableServiceLinks"),
                "rule: enableServiceLinks is false (a Service named crier would inject CRIER_* variables the node rejects)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production", "overlays/redis-sentinel", "overlays/redis-cluster"})
    void keysComeFromTheSecretAndRedisIsNamedOnce(String variant) {
        List<Map<String, Object>> manifests = K8s.build(variant);
        Map<String, String> configMap = DeployedConfig.configMap(manifests);
        Map<String, String> secret = DeployedConfig.secret(manifests);
        for (String key : SECRET_KEYS) {
            String name = ConfigLoader.envName(key);
            assertTrue(secret.containsKey(name), "rule: " + key + " comes from the Secret");
            assertFalse(configMap.containsKey(name), "rule: " + key + " is not in the ConfigMap");
        }
        String redis = ConfigLoader.envName("redis.uri");
        List<String> redisSettings = new ArrayList<>();
        DeployedConfig.environment(manifests).keySet().stream().filter(n -> n.startsWith("CRIER_REDIS_")).forEach(redisSettings::add);
        assertTrue(redisSettings.contains(redis), "rule: Redis, the one external dependency, is named by " + redis);
        assertTrue(secret.containsKey(redis) && !configMap.containsKey(redis),
                "rule: " + redis + " is set in one place, the Secret (it may carry a password)");
        for (String other : redisSettings) {
            if (!other.equals(redis)) {
                assertTrue(configMap.containsKey(other) && !secret.containsKey(other) && !configMap.get(other).contains("://"),
                        "rule: " + other + " (" + variant + ") is a setting of how to use Redis, in the ConfigMap, not another address");
            }
        }
        if (!variant.startsWith("overlays/redis-")) {
            assertEquals(List.of(redis), redisSettings, "rule: " + variant + " sets no Redis setting but " + redis);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/redis-sentinel", "overlays/redis-cluster"})
    void theRedisOverlaysAreProductionWithAnotherRedis(String variant) {
        assertEquals(withoutRedisSettings(K8s.build("overlays/production")), withoutRedisSettings(K8s.build(variant)),
                "rule: " + variant + " is overlays/production but for its CRIER_REDIS_* settings");
        assertEquals(List.of("../production"), Yamls.listAt(DeployTree.yaml(K8s.dir(variant).resolve("kustomization.yaml")),
                "resources"), "rule: " + variant + " builds on overlays/production");
    }

    @Test
    void theSentinelOverlayNamesTheSentinelServiceAndTheMaster() {
        List<Map<String, Object>> manifests = K8s.build("overlays/redis-sentinel");
        Map<String, String> env = DeployedConfig.environment(manifests);
        String uri = env.get(ConfigLoader.envName("redis.uri"));
        assertTrue(uri.matches("redis-sentinel://[a-z0-9.-]+\\.svc:26379#mymaster"),
                "rule: redis.uri names the sentinels' Service (port 26379) and, after #, the master they monitor, got " + uri);
        String mode = env.getOrDefault(ConfigLoader.envName("redis.mode"), "auto");
        assertTrue(mode.equals("auto") || mode.equals("sentinel"), "rule: redis.mode is auto (the scheme chooses) or sentinel");
        CrierConfig config = effective(manifests);
        assertTrue(config.redis().reconnectMaxDelay().multipliedBy(2).compareTo(Duration.ofMillis(5000)) <= 0
                        && config.redis().commandTimeout().compareTo(Duration.ofMillis(5000)) <= 0,
                "rule: redis.reconnectMaxDelay well under, and redis.commandTimeout at most, the down-after-milliseconds"
                        + " (5000) the kustomization asks of the Sentinel set");
        assertTrue(DeployTree.read("k8s/overlays/redis-sentinel/kustomization.yaml").contains("sentinel.downAfterMilliseconds=5000"),
                "rule: the kustomization says which down-after-milliseconds the Sentinel set needs");
    }

    @Test
    void theClusterOverlayUsesClusterModeWithASeedService() {
        List<Map<String, Object>> manifests = K8s.build("overlays/redis-cluster");
        Map<String, String> configMap = DeployedConfig.configMap(manifests);
        assertEquals("cluster", configMap.get(ConfigLoader.envName("redis.mode")), "rule: the ConfigMap sets redis.mode=cluster");
        String uri = DeployedConfig.secret(manifests).get(ConfigLoader.envName("redis.uri"));
        assertTrue(uri.matches("rediss?://[a-z0-9.-]+\\.svc:6379(,[a-z0-9.-]+:6379)*"),
                "rule: redis.uri lists seed nodes (a Service that reaches any node), got " + uri);
        CrierConfig config = effective(manifests);
        assertFalse(config.redis().replicaWait().enabled(), "rule: redis.waitReplicas stays 0 (WAIT is standalone/Sentinel only)");
        assertTrue(config.redis().reconnectMaxDelay().multipliedBy(2).compareTo(Duration.ofMillis(5000)) <= 0
                        && config.redis().commandTimeout().compareTo(Duration.ofMillis(5000)) <= 0,
                "rule: redis.reconnectMaxDelay well under, and redis.commandTimeout at most, the cluster-node-timeout"
                        + " (5000) the kustomization asks of the cluster");
        assertTrue(DeployTree.read("k8s/overlays/redis-cluster/kustomization.yaml").contains("cluster-node-timeout 5000"),
                "rule: the kustomization says which cluster-node-timeout the cluster needs");
    }

    /** The manifests with every CRIER_REDIS_* value taken out of the ConfigMap and the Secret. */
    private static List<Map<String, Object>> withoutRedisSettings(List<Map<String, Object>> manifests) {
        List<Map<String, Object>> stripped = new ArrayList<>();
        for (Map<String, Object> manifest : manifests) {
            Map<String, Object> copy = new LinkedHashMap<>(manifest);
            for (String values : List.of("data", "stringData")) {
                if (copy.get(values) instanceof Map<?, ?> map && ("ConfigMap".equals(copy.get("kind")) || "Secret".equals(copy.get("kind")))) {
                    Map<String, Object> kept = new TreeMap<>(Yamls.map(map, values));
                    kept.keySet().removeIf(key -> key.startsWith("CRIER_REDIS_"));
                    copy.put(values, kept);
                }
            }
            stripped.add(copy);
        }
        return stripped;
    }

    @Test
    void theBasePlaceholdersStopTheNodeInsteadOfRunningWithPublicKeys() {
        Map<String, String> env = DeployedConfig.environment(K8s.build("base"));
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> DeployedConfig.load(env),
                "rule: a forgotten REPLACE-ME placeholder fails startup");
        List<String> problems = refused.getMessage().lines().filter(l -> l.contains(":")).toList();
        for (String key : SECRET_KEYS) {
            assertTrue(problems.stream().anyMatch(l -> l.contains(key)), "rule: the refusal names " + key + ": " + problems);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production", "overlays/redis-sentinel", "overlays/redis-cluster"})
    void behindTheServiceThePerIpCapDoesNotBiteBeforeTheNodeCap(String variant) {
        CrierConfig config = effective(K8s.build(variant));
        assertTrue(config.limits().maxConnectionsPerIp() >= config.limits().maxConnections(),
                "rule (" + variant + "): limits.maxConnectionsPerIp >= limits.maxConnections (clients share the LB's address)");
        assertFalse(config.server().proxyProtocol(),
                "rule (" + variant + "): a Service sends no PROXY header (deploy/README.md says when to turn it on)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/production", "overlays/redis-sentinel", "overlays/redis-cluster"})
    void theServicePdbAndHpaSelectTheDeploymentsPods(String variant) {
        List<Map<String, Object>> manifests = K8s.build(variant);
        Map<String, Object> podLabels = Yamls.mapAt(K8s.deployment(manifests), "spec", "template", "metadata", "labels");
        Map<String, Object> service = KustomizeBuild.only(manifests, "Service");
        Map<String, Object> pdb = KustomizeBuild.only(manifests, "PodDisruptionBudget");
        Map<String, Object> hpa = KustomizeBuild.only(manifests, "HorizontalPodAutoscaler");
        assertTrue(podLabels.entrySet().containsAll(Yamls.mapAt(service, "spec", "selector").entrySet()),
                "rule: the Service selects the pods");
        assertTrue(podLabels.entrySet().containsAll(Yamls.mapAt(pdb, "spec", "selector", "matchLabels").entrySet()),
                "rule: the PodDisruptionBudget selects the pods");
        assertEquals(Yamls.text(K8s.deployment(manifests), "metadata", "name"), Yamls.text(hpa, "spec", "scaleTargetRef", "name"),
                "rule: the HPA scales the Deployment");
        Object targetPort = Yamls.at(Yamls.map(Yamls.listAt(service, "spec", "ports").get(0), "port"), "targetPort");
        assertEquals(K8s.httpPort(K8s.container(manifests)), K8s.portNumber(K8s.container(manifests), targetPort),
                "rule: the Service's targetPort is the container port");
        assertTrue(Yamls.integer(hpa, "spec", "minReplicas") <= Yamls.integer(hpa, "spec", "maxReplicas"),
                "rule: HPA minReplicas <= maxReplicas");
    }

    private static CrierConfig effective(List<Map<String, Object>> manifests) {
        return DeployedConfig.load(DeployedConfig.withPlaceholdersReplaced(DeployedConfig.environment(manifests)));
    }
}
