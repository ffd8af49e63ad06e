package io.crier.gateway.deploy;

import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.config.CrierConfig;
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

    private static Map<String, String> strings(Map<String, Object> values) {
        Map<String, String> strings = new TreeMap<>();
        values.forEach((key, value) -> strings.put(key, String.valueOf(value)));
        return strings;
    }
}
