package io.crier.gateway.config;

/**
 * Identity of this node. {@code id} (key {@code node.id}) is the node id shown to clients in the
 * {@code welcome} push; the loader fills in {@code <hostname>-<random>} when it is left empty.
 */
public record NodeConfig(String id) {
}
