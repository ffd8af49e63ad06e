package io.crier.gateway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The repository's {@code deploy/} folder as the deploy tests read it: finds it from the test's working
 * directory, reads its files, and parses YAML (with the safe constructor: plain maps, lists and scalars, merge
 * keys resolved). Stateless; thread-safe.
 */
final class DeployTree {

    private DeployTree() {
    }

    /** {@code deploy/} in the checkout that holds the module under test. */
    static Path deployDir() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path at = dir; at != null; at = at.getParent()) {
            if (Files.isRegularFile(at.resolve("deploy/k8s/base/kustomization.yaml"))) {
                return at.resolve("deploy");
            }
        }
        throw new IllegalStateException("no deploy/k8s/base/kustomization.yaml above " + dir);
    }

    /** A file under {@code deploy/}. */
    static Path path(String relative) {
        return deployDir().resolve(relative);
    }

    /** The text of a file under {@code deploy/}. */
    static String read(String relative) {
        return read(path(relative));
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every YAML document of a file, each a map. */
    static List<Map<String, Object>> yamlDocuments(Path file) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(read(file))) {
            if (document != null) {
                documents.add(Yamls.map(document, file.toString()));
            }
        }
        return documents;
    }

    /** The one YAML document of a file. */
    static Map<String, Object> yaml(Path file) {
        List<Map<String, Object>> documents = yamlDocuments(file);
        if (documents.size() != 1) {
            throw new IllegalStateException(file + " holds " + documents.size() + " YAML documents, expected 1");
        }
        return documents.get(0);
    }
}
