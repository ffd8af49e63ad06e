package io.crier.gateway.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where the deploy tests find things in Crier's Kubernetes manifests: the variants (the base and each overlay),
 * their built manifests, the gateway container, its ports, probes and preStop. Stateless; thread-safe.
 */
final class K8s {

    private K8s() {
    }

    static Path dir(String variant) {
        return DeployTree.path("k8s/" + variant);
    }

    static List<Map<String, Object>> build(String variant) {
        return KustomizeBuild.build(dir(variant));
    }

    static Map<String, Object> deployment(List<Map<String, Object>> manifests) {
        return KustomizeBuild.only(manifests, "Deployment");
    }

    static Map<String, Object> podSpec(List<Map<String, Object>> manifests) {
        return Yamls.mapAt(deployment(manifests), "spec", "template", "spec");
    }

    /** The one container of the Deployment's pods. */
    static Map<String, Object> container(List<Map<String, Object>> manifests) {
        List<Object> containers = Yamls.listAt(podSpec(manifests), "containers");
        if (containers.size() != 1) {
            throw new AssertionError("expected one container, found " + containers.size());
        }
        return Yamls.map(containers.get(0), "container");
    }

    /** A probe's port as a number: a named port is looked up among the container's ports. */
    static int probePort(Map<String, Object> container, String probe) {
        return portNumber(container, Yamls.at(container, probe, "httpGet", "port"));
    }

    static int portNumber(Map<String, Object> container, Object port) {
        if (port instanceof Number number) {
            return number.intValue();
        }
        for (Object declared : Yamls.listAt(container, "ports")) {
            Map<String, Object> p = Yamls.map(declared, "port");
            if (port.toString().equals(p.get("name"))) {
                return Yamls.integer(p, "containerPort");
            }
        }
        throw new AssertionError("no container port named " + port);
    }

    /** The container port named {@code http}. */
    static int httpPort(Map<String, Object> container) {
        return portNumber(container, "http");
    }

    /** How long the preStop hook holds SIGTERM back: a {@code sleep N} exec. */
    static Duration preStop(Map<String, Object> container) {
        List<Object> command = Yamls.listAt(container, "lifecycle", "preStop", "exec", "command");
        if (command.size() != 2 || !"sleep".equals(command.get(0))) {
            throw new AssertionError("preStop must be [sleep, SECONDS], got " + command);
        }
        return Duration.ofSeconds(Long.parseLong(command.get(1).toString()));
    }

    /** A probe's detection time: periodSeconds x failureThreshold. */
    static Duration probeDetection(Map<String, Object> container, String probe) {
        Map<String, Object> p = Yamls.mapAt(container, probe);
        int period = p.containsKey("periodSeconds") ? Yamls.integer(p, "periodSeconds") : 10;
        int failures = p.containsKey("failureThreshold") ? Yamls.integer(p, "failureThreshold") : 3;
        return Duration.ofSeconds((long) period * failures);
    }
}
