package io.crier.gateway.deploy;

import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.config.CrierConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Crier configuration a deployment gives its nodes, as the real {@link ConfigLoader} builds it from the
 * bundled defaults and the deployment's {@code CRIER_*} variables: for Kubernetes the ConfigMap
 * {@code crier-config}, the Secret {@code crier-secrets} and the container's own {@code env}. Stateless;
 * thread-safe.
 */
final class DeployedConfig {

    static final String CONFIG_MAP = "crier-config";
    static final String SECRET = "crier-secrets";
    /** Marks a Secret value the operator must replace. */
    static final String PLACEHOLDER = "REPLACE-ME";
    /** Stands in for a replaced placeholder: long enough for every key rule. */
    static final String TEST_KEY = "deploy-test-key-0123456789-0123456789-0123";
    /** Stands in for what the kubelet puts in an env entry taken from the pod (status.podIP). */
    static final String POD_IP = "10.1.2.3";
    /**
     * The settings of Redis Cluster mode that the deploy files use ({@code redis.mode}, {@code redis.topologyRefresh},
     * names final), which the loader may not know yet: see {@link #loadable}.
     */
    static final List<String> CLUSTER_MODE_KEYS = List.of("redis.mode", "redis.topologyRefresh");

    private DeployedConfig() {
    }

    /** The ConfigMap's data. */
    static Map<String, String> configMap(List<Map<String, Object>> manifests) {
        return strings(Yamls.mapAt(KustomizeBuild.find(manifests, "ConfigMap", CONFIG_MAP), "data"));
    }

    /** The Secret's values (stringData and data; the files keep them in stringData). */
    static Map<String, String> secret(List<Map<String, Object>> manifests) {
        Map<String, Object> secret = KustomizeBuild.find(manifests, "Secret", SECRET);
        Map<String, String> values = new TreeMap<>();
        Object stringData = secret.get("stringData");
        if (stringData != null) {
            values.putAll(strings(Yamls.map(stringData, "stringData")));
        }
        if (secret.get("data") != null) {
            throw new AssertionError("Secret " + SECRET + ": keep the values in stringData, where the tests read them");
        }
        return values;
    }

    /**
     * The container's own env entries, as the kubelet resolves them: an entry taken from the pod
     * ({@code valueFrom}) gets {@link #POD_IP}, and {@code $(NAME)} references to earlier entries are expanded.
     */
    static Map<String, String> containerEnv(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        Object entries = container.get("env");
        if (entries != null) {
            for (Object entry : Yamls.list(entries, "env")) {
                Map<String, Object> e = Yamls.map(entry, "env entry");
                String value = e.containsKey("valueFrom") ? POD_IP : Yamls.text(e, "value");
                for (Map.Entry<String, String> earlier : env.entrySet()) {
                    value = value.replace("$(" + earlier.getKey() + ")", earlier.getValue());
                }
                env.put(Yamls.text(e, "name"), value);
            }
        }
        return env;
    }

    /** Every variable the Deployment's container gets from the ConfigMap, the Secret and its env. */
    static Map<String, String> environment(List<Map<String, Object>> manifests) {
        Map<String, String> env = new TreeMap<>(configMap(manifests));
        env.putAll(secret(manifests));
        env.putAll(containerEnv(K8s.container(manifests)));
        return env;
    }

    /** The environment with each placeholder replaced, as an operator must before applying. */
    static Map<String, String> withPlaceholdersReplaced(Map<String, String> env) {
        Map<String, String> replaced = new TreeMap<>(env);
        replaced.replaceAll((name, value) -> value.equals(PLACEHOLDER) ? TEST_KEY : value);
        return replaced;
    }

    /** The configuration the real loader builds from these variables. */
    static CrierConfig load(Map<String, String> env) {
        return new ConfigLoader().load(null, env);
    }

    /** Every {@code CRIER_*} name the loader accepts. */
    static List<String> knownEnvNames() {
        return new ConfigLoader().keys().stream().map(ConfigLoader::envName).toList();
    }

    /**
     * Every {@code CRIER_*} name a deploy file may set: the loader's, and those of {@link #CLUSTER_MODE_KEYS}
     * while the loader does not know them yet.
     */
    static List<String> acceptedEnvNames() {
        List<String> names = new ArrayList<>(knownEnvNames());
        CLUSTER_MODE_KEYS.stream().map(ConfigLoader::envName).filter(n -> !names.contains(n)).forEach(names::add);
        return names;
    }

    /** Whether the loader knows Redis Cluster mode ({@code redis.mode}). */
    static boolean loaderKnowsClusterMode() {
        return new ConfigLoader().keys().contains("redis.mode");
    }

    /**
     * What the loader can check of a deployment that may use Redis Cluster mode: the environment itself once the
     * loader knows {@code redis.mode}; until then the environment without the {@link #CLUSTER_MODE_KEYS}, and,
     * when it asked for cluster mode, with {@code redis.uri} cut to its first seed (a standalone URI), so that
     * every other setting is still checked by the real loader. The Redis Cluster rules themselves are checked
     * on the files' text ({@code DockerFilesTest}, {@code K8sManifestsTest}).
     */
    static Map<String, String> loadable(Map<String, String> env) {
        if (loaderKnowsClusterMode()) {
            return env;
        }
        Map<String, String> loadable = new TreeMap<>(env);
        CLUSTER_MODE_KEYS.forEach(key -> loadable.remove(ConfigLoader.envName(key)));
        String uriName = ConfigLoader.envName("redis.uri");
        if ("cluster".equals(env.get(ConfigLoader.envName("redis.mode"))) && loadable.containsKey(uriName)) {
            loadable.put(uriName, firstSeed(loadable.get(uriName)));
        }
        return loadable;
    }

    /** {@code redis://a:6379,b:6379} -> {@code redis://a:6379}: the scheme, any user info and the first host. */
    static String firstSeed(String uri) {
        int hosts = uri.indexOf("://") + 3;
        int comma = uri.indexOf(',', hosts);
        return comma < 0 ? uri : uri.substring(0, comma);
    }

    private static Map<String, String> strings(Map<String, Object> values) {
        Map<String, String> strings = new TreeMap<>();
        values.forEach((key, value) -> strings.put(key, String.valueOf(value)));
        return strings;
    }
}
