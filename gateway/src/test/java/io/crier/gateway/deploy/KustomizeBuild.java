package io.crier.gateway.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The part of {@code kustomize build} that Crier's manifests use, so that the tests see what an overlay
 * applies: {@code resources} (files, and folders with their own kustomization), then {@code patches} given by
 * {@code path}, applied as strategic-merge patches to the resource of the same kind and name. The merge is the
 * subset these files need: maps merge key by key, lists of maps that all carry a {@code name} merge by name
 * (containers, env, volumes), other lists and scalars are replaced. Anything else in a kustomization (a
 * generator, a JSON patch, a target selector) is refused, so that the tests never silently check less than
 * kustomize would apply. Stateless; thread-safe.
 */
final class KustomizeBuild {

    private static final List<String> UNDERSTOOD = List.of("apiVersion", "kind", "resources", "patches",
            "namespace", "images");

    private KustomizeBuild() {
    }

    /** The manifests that {@code kustomize build dir} would print, minus namespace and image rewriting. */
    static List<Map<String, Object>> build(Path dir) {
        Map<String, Object> kustomization = DeployTree.yaml(dir.resolve("kustomization.yaml"));
        for (String key : kustomization.keySet()) {
            if (!UNDERSTOOD.contains(key)) {
                throw new AssertionError(dir + "/kustomization.yaml uses " + key + ", which the deploy tests do not model");
            }
        }
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Object resource : listOrEmpty(kustomization.get("resources"))) {
            Path at = dir.resolve(resource.toString()).normalize();
            manifests.addAll(Files.isDirectory(at) ? build(at) : DeployTree.yamlDocuments(at));
        }
        for (Path patchFile : patchFiles(dir)) {
            Map<String, Object> patch = DeployTree.yaml(patchFile);
            Map<String, Object> target = find(manifests, Yamls.text(patch, "kind"),
                    Yamls.text(patch, "metadata", "name"));
            manifests.set(manifests.indexOf(target), Yamls.map(merge(target, patch), patchFile.toString()));
        }
        return manifests;
    }

    /** The patch files a kustomization names. */
    static List<Path> patchFiles(Path dir) {
        List<Path> files = new ArrayList<>();
        for (Object entry : listOrEmpty(DeployTree.yaml(dir.resolve("kustomization.yaml")).get("patches"))) {
            Map<String, Object> patch = Yamls.map(entry, dir + " patches");
            if (patch.keySet().stream().anyMatch(key -> !key.equals("path"))) {
                throw new AssertionError(dir + ": only patches with a path are modelled, got " + patch);
            }
            files.add(dir.resolve(Yamls.text(patch, "path")));
        }
        return files;
    }

    /** The one manifest of this kind and name. */
    static Map<String, Object> find(List<Map<String, Object>> manifests, String kind, String name) {
        List<Map<String, Object>> found = manifests.stream()
                .filter(m -> kind.equals(Yamls.find(m, "kind")) && name.equals(Yamls.find(m, "metadata", "name")))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " named " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    /** The one manifest of this kind. */
    static Map<String, Object> only(List<Map<String, Object>> manifests, String kind) {
        List<Map<String, Object>> found = manifests.stream().filter(m -> kind.equals(Yamls.find(m, "kind"))).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }

    static Object merge(Object base, Object patch) {
        if (base instanceof Map<?, ?> && patch instanceof Map<?, ?>) {
            Map<String, Object> merged = new LinkedHashMap<>(Yamls.map(base, "base"));
            Yamls.map(patch, "patch").forEach((key, value) -> merged.merge(key, value, KustomizeBuild::merge));
            return merged;
        }
        if (base instanceof List<?> baseList && patch instanceof List<?> patchList
                && allNamed(baseList) && allNamed(patchList)) {
            return mergeByName(baseList, patchList);
        }
        return patch;
    }

    private static List<Object> mergeByName(List<?> base, List<?> patch) {
        List<Object> merged = new ArrayList<>(base);
        for (Object item : patch) {
            Object name = ((Map<?, ?>) item).get("name");
            int index = indexOfName(merged, name);
            if (index < 0) {
                merged.add(item);
            } else {
                merged.set(index, merge(merged.get(index), item));
            }
        }
        return merged;
    }

    private static int indexOfName(List<Object> items, Object name) {
        for (int i = 0; i < items.size(); i++) {
            if (Objects.equals(((Map<?, ?>) items.get(i)).get("name"), name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean allNamed(List<?> items) {
        return !items.isEmpty() && items.stream().allMatch(item -> item instanceof Map<?, ?> map && map.containsKey("name"));
    }

    private static List<Object> listOrEmpty(Object value) {
        return value == null ? List.of() : Yamls.list(value, "kustomization");
    }
}
