package io.crier.gateway.deploy;

import io.crier.gateway.config.CrierConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * deploy/docker/docker-compose.yml as the deploy tests read it: its services, a service's environment and
 * file-descriptor limit, and the configuration its nodes get from the real loader. Stateless; thread-safe.
 */
final class ComposeFile {

    static final List<String> NODES = List.of("node1", "node2", "node3");

    private ComposeFile() {
    }

    static Map<String, Object> compose() {
        return DeployTree.yaml(DeployTree.path("docker/docker-compose.yml"));
    }

    static Map<String, Object> services() {
        return Yamls.mapAt(compose(), "services");
    }

    static Map<String, Object> service(String name) {
        return Yamls.mapAt(services(), name);
    }

    /** A service's environment (the map form), values as strings. */
    static Map<String, String> environment(String name) {
        Map<String, String> env = new TreeMap<>();
        Yamls.mapAt(service(name), "environment").forEach((key, value) -> env.put(key, String.valueOf(value)));
        return env;
    }

    /** A service's soft {@code nofile} ulimit. */
    static int nofile(String name) {
        return Yamls.integer(service(name), "ulimits", "nofile", "soft");
    }

    /** What the first node's environment makes of the bundled defaults. */
    static CrierConfig nodeConfig() {
        return DeployedConfig.load(environment(NODES.get(0)));
    }
}
