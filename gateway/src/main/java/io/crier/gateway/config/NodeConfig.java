package io.crier.gateway.config;

import java.util.regex.Pattern;

/**
 * Identity of this node. {@code id} (key {@code node.id}) is the node id shown to clients in the
 * {@code welcome} push: 1 to 64 characters of {@code A-Za-z0-9_.-}. The loader fills in
 * {@code <hostname>-<6 random base36 characters>} when the key is left empty. The constructor validates.
 */
public record NodeConfig(String id) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** @throws InvalidConfigException when the id breaks the rule above */
    public NodeConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.check(id != null && ID.matcher(id).matches(), "node.id",
                "must be 1..64 characters of A-Za-z0-9_.-");
        problems.throwIfAny();
    }
}
