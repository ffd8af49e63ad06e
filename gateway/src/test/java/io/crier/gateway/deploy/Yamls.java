package io.crier.gateway.deploy;

import java.util.List;
import java.util.Map;

/**
 * Typed access into parsed YAML (maps, lists and scalars), failing with the path that was missing or of the
 * wrong type, so that a broken manifest gives a readable assertion error. Stateless; thread-safe.
 */
final class Yamls {

    private Yamls() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String where) {
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError(where + ": expected a map, got " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value, String where) {
        if (!(value instanceof List<?>)) {
            throw new AssertionError(where + ": expected a list, got " + value);
        }
        return (List<Object>) value;
    }

    /** The value at {@code path} (map keys), or {@code null} when a key on the way is missing. */
    static Object find(Map<String, Object> root, String... path) {
        Object at = root;
        for (String key : path) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = map.get(key);
        }
        return at;
    }

    /** The value at {@code path}; fails when it is missing. */
    static Object at(Map<String, Object> root, String... path) {
        Object value = find(root, path);
        if (value == null) {
            throw new AssertionError("missing " + String.join(".", path));
        }
        return value;
    }

    static Map<String, Object> mapAt(Map<String, Object> root, String... path) {
        return map(at(root, path), String.join(".", path));
    }

    static List<Object> listAt(Map<String, Object> root, String... path) {
        return list(at(root, path), String.join(".", path));
    }

    /** The scalar at {@code path} as a string (YAML numbers and booleans included). */
    static String text(Map<String, Object> root, String... path) {
        return String.valueOf(at(root, path));
    }

    /** The scalar at {@code path} as an integer. */
    static int integer(Map<String, Object> root, String... path) {
        return Integer.parseInt(text(root, path));
    }
}
