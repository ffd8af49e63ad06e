package io.crier.gateway.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Every key {@link ConfigLoader} read, with the value the node runs with, as the startup description shows it: in
 * the order of the bundled defaults, then the file's {@code namespace.<name>.<option>} keys. A secret key
 * ({@link SecretKeys#NAMES}) shows only whether it is set. The values are taken from the loader, so a new key
 * shows up here without code. Immutable and thread-safe.
 *
 * @param shown key → the text shown for its value; never a secret
 */
public record LoadedKeys(Map<String, String> shown) {

    /** What an empty value means, for the keys where a bare {@code key=} would not say it. */
    private static final Map<String, String> EMPTY_MEANS = Map.of(
            "node.advertiseAddress", "<server.host:port>",
            "admin.key", "<none: admin API off>",
            "api.key", "<none: HTTP API off>",
            "redis.uri", "<none: in-memory broker>",
            "redis.tlsCaFile", "<JVM trust store>");

    /** Keeps {@code shown}'s order. */
    public LoadedKeys {
        shown = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(shown, "shown")));
    }

    /**
     * @param loaded every key read and its value, in the order to show them
     * @param inUse  the values the node runs with where they are not the loaded ones (a generated node id, the TLS
     *               host that defaults to the server's), and the Redis URI without its password
     */
    static LoadedKeys of(Map<String, String> loaded, Map<String, String> inUse) {
        Map<String, String> shown = new LinkedHashMap<>();
        loaded.forEach((key, value) -> shown.put(key, shown(key, inUse.getOrDefault(key, value))));
        return new LoadedKeys(shown);
    }

    private static String shown(String key, String value) {
        if (value.isEmpty()) {
            return EMPTY_MEANS.getOrDefault(key, SecretKeys.NAMES.contains(key) ? "<none>" : "");
        }
        return SecretKeys.NAMES.contains(key) ? "<redacted>" : value;
    }

    /**
     * One line per section (the key's part before its first dot), each key as {@code name=value}:
     * {@code server: host=127.0.0.1 port=8080 ...}.
     */
    public String describe() {
        Map<String, StringBuilder> sections = new LinkedHashMap<>();
        shown.forEach((key, value) -> {
            int dot = key.indexOf('.');
            String section = dot < 0 ? key : key.substring(0, dot);
            StringBuilder line = sections.computeIfAbsent(section, s -> new StringBuilder(s).append(':'));
            line.append(' ').append(key.substring(dot + 1)).append('=').append(value);
        });
        return String.join("\n", sections.values());
    }
}
