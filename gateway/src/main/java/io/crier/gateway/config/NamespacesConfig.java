package io.crier.gateway.config;

import io.crier.protocol.Topics;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per-namespace permission options ({@link NamespaceOptions}): defaults from the
 * {@code namespaces.default.*} keys, and overrides from dynamic {@code namespace.<name>.<option>} keys in
 * the config file (not from environment variables), where each unset option inherits the default. The
 * constructor validates and reports every bad name by key. Immutable and thread-safe.
 *
 * <p>A namespace name is 1 to {@value #MAX_NAME_LENGTH} topic characters without {@code :}.
 *
 * @param defaults the options of a topic whose namespace has no overrides, or that has no namespace
 * @param byName   the options of each configured namespace, sorted by name
 */
public record NamespacesConfig(NamespaceOptions defaults, Map<String, NamespaceOptions> byName) {

    /** The longest namespace name. */
    public static final int MAX_NAME_LENGTH = 64;

    /** @throws InvalidConfigException listing every bad field */
    public NamespacesConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.notNull("namespaces.default", defaults);
        problems.notNull("namespace", byName);
        if (byName != null) {
            byName = Collections.unmodifiableMap(new TreeMap<>(byName));
            byName.forEach((name, options) -> {
                problems.check(isName(name), "namespace." + name, "a namespace name must be 1 to "
                        + MAX_NAME_LENGTH + " characters from A-Z a-z 0-9 _ - . @ =");
                problems.notNull("namespace." + name, options);
            });
        }
        problems.throwIfAny();
    }

    /** No overrides, and these defaults for every topic. */
    public NamespacesConfig(NamespaceOptions defaults) {
        this(defaults, Map.of());
    }

    /**
     * The options that apply to {@code topic}: those of its namespace (the part before the first {@code :}),
     * or the defaults when it has none or the namespace has no overrides.
     */
    public NamespaceOptions optionsFor(String topic) {
        Objects.requireNonNull(topic, "topic");
        int colon = topic.indexOf(':');
        if (colon < 0) {
            return defaults;
        }
        return byName.getOrDefault(topic.substring(0, colon), defaults);
    }

    /** Whether {@code name} is a valid namespace name. */
    public static boolean isName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ':' || !Topics.isTopicChar(c)) {
                return false;
            }
        }
        return true;
    }
}
