package io.crier.gateway.deploy;

import io.crier.gateway.config.CrierConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compose files of deploy/docker as the deploy tests read them: {@code docker-compose.yml} (one Redis) and
 * its variants with Redis Sentinel and Redis Cluster; a file's services, a service's environment, command and
 * file-descriptor limit, and the configuration its nodes get from the real loader. Stateless; thread-safe.
 */
final class ComposeFile {

    static final String BASE = "docker-compose.yml";
    static final String SENTINEL = "docker-compose.sentinel.yml";
    static final String CLUSTER = "docker-compose.cluster.yml";
    static final List<String> NODES = List.of("node1", "node2", "node3");
    // A single- or double-quoted word of a shell script.
    private static final Pattern QUOTED = Pattern.compile("'([^']*)'|\"([^\"]*)\"");

    private ComposeFile() {
    }

    static Map<String, Object> compose() {
        return compose(BASE);
    }

    static Map<String, Object> compose(String file) {
        return DeployTree.yaml(DeployTree.path("docker/" + file));
    }

    static Map<String, Object> services() {
        return services(BASE);
    }

    static Map<String, Object> services(String file) {
        return Yamls.mapAt(compose(file), "services");
    }

    static Map<String, Object> service(String name) {
        return service(BASE, name);
    }

    static Map<String, Object> service(String file, String name) {
        return Yamls.mapAt(services(file), name);
    }

    /** A service's environment (the map form), values as strings. */
    static Map<String, String> environment(String name) {
        return environment(BASE, name);
    }

    static Map<String, String> environment(String file, String name) {
        Map<String, String> env = new TreeMap<>();
        Yamls.mapAt(service(file, name), "environment").forEach((key, value) -> env.put(key, String.valueOf(value)));
        return env;
    }

    /** A service's soft {@code nofile} ulimit. */
    static int nofile(String name) {
        return nofile(BASE, name);
    }

    static int nofile(String file, String name) {
        return Yamls.integer(service(file, name), "ulimits", "nofile", "soft");
    }

    /** The file's one network subnet. */
    static String subnet(String file) {
        return Yamls.text(ipam(file), "subnet");
    }

    /** The file's one network's IPAM entry. */
    static Map<String, Object> ipam(String file) {
        Object ipam = Yamls.listAt(compose(file), "networks", "default", "ipam", "config").get(0);
        return Yamls.map(ipam, file + " networks.default.ipam.config[0]");
    }

    /** A service's command (the list form), as strings. */
    static List<String> command(String file, String name) {
        return Yamls.listAt(service(file, name), "command").stream().map(String::valueOf).toList();
    }

    /** The script of a service whose command is {@code sh -c SCRIPT}. */
    static String script(String file, String name) {
        List<String> command = command(file, name);
        if (command.size() != 3 || !command.get(0).equals("sh") || !command.get(1).equals("-c")) {
            throw new AssertionError(file + " " + name + ": expected [sh, -c, SCRIPT], got " + command);
        }
        return command.get(2);
    }

    /**
     * The configuration lines a {@code sh -c} script writes with {@code printf '%s\n' 'line' "line" ...}: every
     * quoted word of the script but the format, in order.
     */
    static List<String> writtenLines(String file, String name) {
        List<String> lines = new ArrayList<>();
        Matcher quoted = QUOTED.matcher(script(file, name));
        while (quoted.find()) {
            String word = quoted.group(1) != null ? quoted.group(1) : quoted.group(2);
            if (!word.equals("%s\\n")) {
                lines.add(word);
            }
        }
        return lines;
    }

    /** The services of a {@code depends_on} map, each with its condition. */
    static Map<String, String> dependsOn(String file, String name) {
        Map<String, String> conditions = new TreeMap<>();
        Yamls.mapAt(service(file, name), "depends_on").forEach((service, spec) ->
                conditions.put(service, Yamls.text(Yamls.map(spec, name + " depends_on " + service), "condition")));
        return conditions;
    }

    /** What the first node's environment makes of the bundled defaults. */
    static CrierConfig nodeConfig() {
        return DeployedConfig.load(environment(NODES.get(0)));
    }

    /** What a node's environment makes of the bundled defaults, as far as the loader knows its settings. */
    static CrierConfig nodeConfig(String file, String node) {
        return DeployedConfig.load(environment(file, node));
    }
}
