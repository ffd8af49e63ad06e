package io.crier.gateway.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identity of this node. {@code id} (key {@code node.id}) is the node id shown to clients in the
 * {@code welcome} push: 1 to 64 characters of {@code A-Za-z0-9_.-}. The loader fills in
 * {@code <hostname>-<6 random base36 characters>} when the key is left empty. {@code advertiseAddress} (key
 * {@code node.advertiseAddress}) is where others reach the node, as shown in the cluster view: {@code host:port}
 * ({@code [v6]:port} for an IPv6 literal), or empty for {@code server.host:port} as bound. The constructor
 * validates. Immutable and thread-safe.
 */
public record NodeConfig(String id, String advertiseAddress) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern ADDRESS = Pattern.compile("(\\[[0-9A-Fa-f:.]{2,45}]|[A-Za-z0-9_.-]{1,253}):(\\d{1,5})");

    /** @throws InvalidConfigException when a field breaks the rules above */
    public NodeConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.check(id != null && ID.matcher(id).matches(), "node.id",
                "must be 1..64 characters of A-Za-z0-9_.-");
        problems.check(advertiseAddress != null && (advertiseAddress.isEmpty() || validAddress(advertiseAddress)),
                "node.advertiseAddress", "must be empty or host:port (a port of 1..65535; [v6]:port for IPv6)");
        problems.throwIfAny();
    }

    /** A node that advertises its bound {@code server.host:port}. */
    public NodeConfig(String id) {
        this(id, "");
    }

    private static boolean validAddress(String address) {
        Matcher matcher = ADDRESS.matcher(address);
        if (!matcher.matches()) {
            return false;
        }
        int port = Integer.parseInt(matcher.group(2));
        return port >= 1 && port <= 65535;
    }
}
