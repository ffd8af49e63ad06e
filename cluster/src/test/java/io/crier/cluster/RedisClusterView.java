package io.crier.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One node's view of a Redis Cluster, parsed from its {@code CLUSTER NODES} reply: the nodes it knows (id, port,
 * flags, master) and the primary it names for each of the 16384 slots. Immutable; thread-safe.
 */
final class RedisClusterView {

    static final int SLOTS = 16384;

    /** One line of {@code CLUSTER NODES}; {@code masterId} is "-" for a primary. */
    record Node(String id, int port, Set<String> flags, String masterId, BitSet slots) {

        boolean isPrimary() {
            return flags.contains("master");
        }

        boolean isReplica() {
            return flags.contains("slave");
        }

        /** Whether the viewer suspects ({@code fail?}) or agreed ({@code fail}) that the node is down. */
        boolean isFailing() {
            return flags.contains("fail") || flags.contains("fail?");
        }

        boolean isMyself() {
            return flags.contains("myself");
        }
    }

    private final List<Node> nodes;
    private final String[] owners = new String[SLOTS];
    private final boolean openSlots;

    private RedisClusterView(List<Node> nodes, boolean openSlots) {
        this.nodes = nodes;
        this.openSlots = openSlots;
        for (Node node : nodes) {
            node.slots().stream().forEach(slot -> owners[slot] = node.id());
        }
    }

    /** Parses a {@code CLUSTER NODES} reply. */
    static RedisClusterView parse(String clusterNodes) {
        boolean open = false;
        List<Node> nodes = new ArrayList<>();
        for (String line : clusterNodes.strip().split("\n")) {
            String[] fields = line.strip().split(" ");
            String address = fields[1].split("[@,]")[0];
            BitSet slots = new BitSet(SLOTS);
            for (int i = 8; i < fields.length; i++) {
                if (fields[i].startsWith("[")) {
                    // [slot->-id] (migrating) or [slot-<-id] (importing): a move under way.
                    open = true;
                } else if (fields[i].contains("-")) {
                    String[] range = fields[i].split("-");
                    slots.set(Integer.parseInt(range[0]), Integer.parseInt(range[1]) + 1);
                } else {
                    slots.set(Integer.parseInt(fields[i]));
                }
            }
            nodes.add(new Node(fields[0], Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)),
                    Set.of(fields[2].split(",")), fields[3], slots));
        }
        return new RedisClusterView(List.copyOf(nodes), open);
    }

    List<Node> nodes() {
        return nodes;
    }

    Optional<Node> node(String id) {
        return nodes.stream().filter(node -> node.id().equals(id)).findFirst();
    }

    /** The viewer itself. */
    Node myself() {
        return nodes.stream().filter(Node::isMyself).findFirst()
                .orElseThrow(() -> new IllegalStateException("CLUSTER NODES names no node 'myself'"));
    }

    /** The id of the primary the viewer names for {@code slot}, or null if it names none. */
    String ownerOf(int slot) {
        return owners[slot];
    }

    /** Whether the viewer knows of a slot being migrated or imported. */
    boolean hasOpenSlots() {
        return openSlots;
    }

    /** Whether this view and {@code other} name the same primary for every slot. */
    boolean sameOwners(RedisClusterView other) {
        return Arrays.equals(owners, other.owners);
    }
}
