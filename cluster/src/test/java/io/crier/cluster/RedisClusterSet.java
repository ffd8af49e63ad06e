package io.crier.cluster;

import static io.crier.cluster.RedisClusterView.SLOTS;
import static org.awaitility.Awaitility.await;

import io.crier.cluster.RedisClusterView.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis Cluster of real processes on free loopback ports, for tests: by default three primaries with one replica
 * each, {@code cluster-node-timeout} 1000 ms (a killed primary's replica takes over within a few seconds), and ways
 * to kill, fail over, restart and move slots as an operator would, each waiting until every live node agrees.
 * Optionally every process speaks TLS only (the cluster bus and replication too), or the nodes have an ACL user
 * ({@link #USER}/{@link #PASSWORD}, all commands, keys and channels) beside the default one, which replication,
 * {@code MIGRATE} and this fixture's {@code redis-cli} use.
 *
 * <p>Every process is started and stopped by its PID through {@link RedisServerProcess}; {@link #close()} stops
 * them all. Not thread-safe: used from the test thread.
 */
public final class RedisClusterSet implements AutoCloseable {

    /** The ACL user of {@link #withAclUser()} sets. */
    public static final String USER = "crier";
    public static final String PASSWORD = "crier-test-password";

    private static final Logger log = LoggerFactory.getLogger(RedisClusterSet.class);
    private static final Duration NODE_TIMEOUT = Duration.ofMillis(1000);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MIGRATE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(50);
    /** redis-cli --cluster create refuses fewer primaries than this. */
    private static final int CREATE_MIN_PRIMARIES = 3;
    private static final int NODE_ATTEMPTS = 3;
    private static final int MIGRATE_BATCH = 100;

    private final int primaryCount;
    private final int replicasPerPrimary;
    private final RedisTls tls;
    private final boolean aclUser;
    private final List<RedisServerProcess> nodes = new ArrayList<>();
    private final Map<RedisServerProcess, Integer> busPorts = new HashMap<>();
    private final Map<RedisServerProcess, String> ids = new HashMap<>();
    private final Map<RedisServerProcess, BitSet> slotsAtKill = new HashMap<>();
    private List<RedisServerProcess> seeds = List.of();

    private RedisClusterSet(int primaryCount, int replicasPerPrimary, RedisTls tls, boolean aclUser) {
        if (primaryCount < 1 || replicasPerPrimary < 0) {
            throw new IllegalArgumentException(primaryCount + " primaries, " + replicasPerPrimary + " replicas each");
        }
        this.primaryCount = primaryCount;
        this.replicasPerPrimary = replicasPerPrimary;
        this.tls = tls;
        this.aclUser = aclUser;
    }

    /** Starts three primaries with one replica each and returns once every node agrees and every replica is in sync. */
    public static RedisClusterSet start() {
        return start(3, 1);
    }

    /** Like {@link #start()}, with {@code primaries} primaries that split the slots evenly, each with its replicas. */
    public static RedisClusterSet start(int primaries, int replicasPerPrimary) {
        return new RedisClusterSet(primaries, replicasPerPrimary, null, false).launch();
    }

    /** Starts a set whose nodes also have the ACL user {@link #USER}, which {@link #seedUri()} names. */
    public static RedisClusterSet withAclUser() {
        return new RedisClusterSet(3, 1, null, true).launch();
    }

    /** Starts a set in which every node speaks TLS only (clients, cluster bus, replication), with {@code certificates}. */
    public static RedisClusterSet withTls(RedisTls certificates) {
        return new RedisClusterSet(3, 1, Objects.requireNonNull(certificates, "certificates"), false).launch();
    }

    private RedisClusterSet launch() {
        long started = System.nanoTime();
        try {
            for (int i = 0; i < primaryCount * (1 + replicasPerPrimary); i++) {
                startNode();
            }
            if (primaryCount >= CREATE_MIN_PRIMARIES) {
                createWithCli();
            } else {
                createByHand();
            }
            await("every node of " + this + " agrees, and every replica is in sync").atMost(READY_TIMEOUT)
                    .pollInterval(POLL).until(this::isReady);
            seeds = primaries();
            log.info("{} ready in {} ms", this, elapsedMillis(started));
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * {@code redis://127.0.0.1:P1,127.0.0.1:P2,...}, the primaries when the set started ({@code rediss://} with TLS),
     * with the ACL user's credentials when the set has one.
     */
    public String seedUri() {
        String scheme = tls == null ? "redis://" : "rediss://";
        String credentials = aclUser ? USER + ":" + PASSWORD + "@" : "";
        return scheme + credentials + seeds.stream().map(RedisClusterSet::address).collect(Collectors.joining(","));
    }

    /** Every node of the set, live or dead, in the order they were started. */
    public List<RedisServerProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** The live nodes that a live node's {@code CLUSTER NODES} names as primaries now. */
    public List<RedisServerProcess> primaries() {
        return liveMembers(Node::isPrimary);
    }

    /** The live nodes that a live node's {@code CLUSTER NODES} names as replicas now. */
    public List<RedisServerProcess> replicas() {
        return liveMembers(Node::isReplica);
    }

    /** The hash slot of {@code key} ({@code CLUSTER KEYSLOT}). */
    public int slotOf(String key) {
        return Integer.parseInt(anyLive().cli("CLUSTER", "KEYSLOT", key));
    }

    /** The live primary that owns {@code slot} now, as a live node sees it. */
    public RedisServerProcess ownerOf(int slot) {
        String id = view(anyLive()).ownerOf(slot);
        RedisServerProcess owner = id == null ? null : byId(id);
        if (owner == null || !owner.isRunning()) {
            throw new IllegalStateException("no live primary of " + this + " owns slot " + slot + " now: " + owner);
        }
        return owner;
    }

    /** The slots that {@code primary} owns now, as a live node sees it (a copy). */
    public BitSet slotsOf(RedisServerProcess primary) {
        return view(anyLive()).node(nodeId(primary)).map(node -> (BitSet) node.slots().clone()).orElseGet(BitSet::new);
    }

    /** The cluster node id of {@code node}, which it keeps across restarts (its {@code CLUSTER MYID}). */
    public String nodeId(RedisServerProcess node) {
        String id = ids.get(node);
        if (id == null) {
            throw new IllegalArgumentException(node + " is not a node of " + this);
        }
        return id;
    }

    /** Kills the primary that owns {@code slot} with SIGKILL, as a crash would, and returns it (dead). */
    public RedisServerProcess killOwnerOf(int slot) {
        RedisServerProcess owner = ownerOf(slot);
        slotsAtKill.put(owner, slotsOf(owner));
        owner.kill();
        return owner;
    }

    /**
     * Waits until one live node owns every slot that {@code dead} owned (as every live node sees it) and every live
     * node says {@code cluster_state:ok}, and returns that node, the promoted replica. Only a set of three primaries
     * or more, with replicas, can fail over: the primaries that are left must be a majority to elect a replica.
     */
    public RedisServerProcess awaitFailover(RedisServerProcess dead, Duration timeout) {
        if (primaryCount < CREATE_MIN_PRIMARIES || replicasPerPrimary == 0) {
            // The live primaries elect the replica, and they must be a majority of all primaries.
            throw new IllegalStateException(this + " cannot fail over: that takes 3 primaries or more, with replicas");
        }
        BitSet slots = slotsAtKill.containsKey(dead) ? slotsAtKill.remove(dead) : slotsOf(dead);
        if (slots.isEmpty()) {
            throw new IllegalArgumentException(dead + " owned no slots when it died (kill it with killOwnerOf)");
        }
        long started = System.nanoTime();
        RedisServerProcess heir = await("a live node of " + this + " takes over the slots of " + dead)
                .atMost(timeout).pollInterval(POLL).until(() -> heir(dead, slots), Objects::nonNull);
        log.info("{} took over the slots of {} in {} ms", heir, dead, elapsedMillis(started));
        return heir;
    }

    /**
     * Starts {@code dead} again on its port with its cluster config file, and waits until every live node sees it
     * up and agrees: a primary that was failed over comes back as a replica (of the node that took its slots) and
     * this waits until it is in sync; a primary whose slots no one took back comes back as their primary.
     */
    public void restart(RedisServerProcess dead) {
        boolean keepsSlots = !slotsOf(dead).isEmpty();
        long started = System.nanoTime();
        dead.restart();
        await(dead + " rejoins " + this).atMost(READY_TIMEOUT).pollInterval(POLL)
                .until(() -> hasRejoined(dead, keepsSlots));
        log.info("{} rejoined in {} ms", dead, elapsedMillis(started));
    }

    /**
     * Moves {@code slot} and its keys from its owner to the primary {@code to} by hand, as the cluster tutorial
     * does: {@code SETSLOT IMPORTING} on the target, {@code MIGRATING} on the source, {@code MIGRATE} of every key
     * in batches, then {@code SETSLOT NODE} on the target, the source and every other primary. Returns once every
     * live node names {@code to} as the owner.
     */
    public void moveSlot(int slot, RedisServerProcess to) {
        RedisServerProcess from = ownerOf(slot);
        if (from == to) {
            return;
        }
        String number = Integer.toString(slot);
        ok(to, "CLUSTER", "SETSLOT", number, "IMPORTING", nodeId(from));
        ok(from, "CLUSTER", "SETSLOT", number, "MIGRATING", nodeId(to));
        for (List<String> keys = keysIn(from, slot); !keys.isEmpty(); keys = keysIn(from, slot)) {
            migrate(from, to, keys);
        }
        List<RedisServerProcess> told = new ArrayList<>(List.of(to, from));
        primaries().stream().filter(primary -> !told.contains(primary)).forEach(told::add);
        for (RedisServerProcess node : told) {
            ok(node, "CLUSTER", "SETSLOT", number, "NODE", nodeId(to));
        }
        await("every node of " + this + " names " + to + " as the owner of slot " + slot).atMost(SETTLE_TIMEOUT)
                .pollInterval(POLL).until(() -> live().stream().map(this::view)
                        .allMatch(view -> nodeId(to).equals(view.ownerOf(slot)) && !view.hasOpenSlots()));
    }

    /**
     * Moves {@code slots} slots (redis-cli picks which) with their keys from {@code from} to {@code to} with
     * {@code redis-cli --cluster reshard}, and returns once every live node agrees on the new owners.
     */
    public void reshard(RedisServerProcess from, RedisServerProcess to, int slots) {
        int fromBefore = slotsOf(from).cardinality();
        int toBefore = slotsOf(to).cardinality();
        long started = System.nanoTime();
        String output = from.cli("--cluster", "reshard", address(from), "--cluster-from", nodeId(from),
                "--cluster-to", nodeId(to), "--cluster-slots", Integer.toString(slots), "--cluster-yes");
        if (output.contains("[ERR]")) {
            throw new IllegalStateException("redis-cli --cluster reshard failed: " + output);
        }
        await("every node of " + this + " agrees on the resharded slots").atMost(SETTLE_TIMEOUT).pollInterval(POLL)
                .until(() -> hasSettled() && slotsOf(from).cardinality() == fromBefore - slots
                        && slotsOf(to).cardinality() == toBefore + slots);
        log.info("{} slots moved from {} to {} in {} ms", slots, from, to, elapsedMillis(started));
    }

    /** Stops every process of the set. Idempotent. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (RedisServerProcess node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        nodes.clear();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "Redis Cluster on ports " + nodes.stream().map(node -> Integer.toString(node.port()))
                .collect(Collectors.joining(","));
    }

    /** Starts a node with a cluster bus port of its own (the default, port + 10000, can be past 65535). */
    private void startNode() {
        IllegalStateException failure = new IllegalStateException("a node of " + this + " did not start");
        for (int attempt = 0; attempt < NODE_ATTEMPTS; attempt++) {
            int busPort = RedisServerProcess.freePort();
            try {
                RedisServerProcess node = RedisServerProcess.start(nodeSetup(busPort));
                nodes.add(node);
                busPorts.put(node, busPort);
                ids.put(node, node.cli("CLUSTER", "MYID"));
                return;
            } catch (RuntimeException e) {
                // Another process may have taken the bus port in the meantime: try another.
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    private RedisServerSetup nodeSetup(int busPort) {
        RedisServerSetup setup = tls == null ? RedisServerSetup.plain()
                : RedisServerSetup.plain().withTls(tls).with("tls-cluster yes");
        setup = setup.with("cluster-enabled yes", "cluster-config-file nodes.conf",
                "cluster-node-timeout " + NODE_TIMEOUT.toMillis(), "cluster-port " + busPort);
        return aclUser ? setup.with("user " + USER + " on >" + PASSWORD + " ~* &* +@all") : setup;
    }

    private void createWithCli() {
        List<String> args = new ArrayList<>(List.of("--cluster", "create"));
        nodes.forEach(node -> args.add(address(node)));
        args.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerPrimary), "--cluster-yes"));
        String output = nodes.get(0).cli(args.toArray(String[]::new));
        if (!output.contains("[OK] All " + SLOTS + " slots covered")) {
            throw new IllegalStateException("redis-cli --cluster create failed: " + output);
        }
    }

    /** What redis-cli --cluster create does, for fewer primaries than it accepts. */
    private void createByHand() {
        for (int i = 0; i < primaryCount; i++) {
            ok(nodes.get(i), "CLUSTER", "ADDSLOTSRANGE", Integer.toString(SLOTS * i / primaryCount),
                    Integer.toString(SLOTS * (i + 1) / primaryCount - 1));
        }
        RedisServerProcess first = nodes.get(0);
        for (RedisServerProcess node : nodes.subList(1, nodes.size())) {
            ok(first, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(node.port()), busPorts.get(node).toString());
        }
        await("every node of " + this + " knows the others").atMost(READY_TIMEOUT).pollInterval(POLL)
                .until(() -> nodes.stream().map(this::view).allMatch(this::knowsEveryNode));
        for (int i = primaryCount; i < nodes.size(); i++) {
            ok(nodes.get(i), "CLUSTER", "REPLICATE", nodeId(nodes.get((i - primaryCount) % primaryCount)));
        }
    }

    private boolean isReady() {
        if (!hasSettled()) {
            return false;
        }
        for (RedisServerProcess node : nodes) {
            RedisClusterView view = view(node);
            long replicas = view.nodes().stream().filter(Node::isReplica).count();
            if (!knowsEveryNode(view) || replicas != (long) primaryCount * replicasPerPrimary
                    || view.nodes().stream().anyMatch(Node::isFailing)) {
                return false;
            }
            if (view.myself().isReplica() && !isInSync(node)) {
                return false;
            }
        }
        return true;
    }

    /** Whether every live node says {@code cluster_state:ok}, and all name the same owners and no open slot. */
    private boolean hasSettled() {
        List<RedisClusterView> views = new ArrayList<>();
        for (RedisServerProcess node : live()) {
            String info = node.cli("CLUSTER", "INFO");
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_assigned:" + SLOTS)) {
                return false;
            }
            views.add(view(node));
        }
        return views.stream().noneMatch(RedisClusterView::hasOpenSlots)
                && views.stream().allMatch(view -> view.sameOwners(views.get(0)));
    }

    /** The live node that every live node names as the owner of all of {@code slots}, or null while there is none. */
    private RedisServerProcess heir(RedisServerProcess dead, BitSet slots) {
        if (!hasSettled()) {
            return null;
        }
        RedisClusterView view = view(anyLive());
        String owner = view.ownerOf(slots.nextSetBit(0));
        boolean allSlots = slots.stream().allMatch(slot -> Objects.equals(owner, view.ownerOf(slot)));
        if (owner == null || owner.equals(nodeId(dead)) || !allSlots) {
            return null;
        }
        RedisServerProcess heir = byId(owner);
        return heir.isRunning() ? heir : null;
    }

    private boolean hasRejoined(RedisServerProcess node, boolean asPrimary) {
        if (!hasSettled()) {
            return false;
        }
        for (RedisServerProcess other : live()) {
            Optional<Node> seen = view(other).node(nodeId(node));
            if (seen.isEmpty() || seen.get().isFailing() || seen.get().isPrimary() != asPrimary) {
                return false;
            }
        }
        return asPrimary || isInSync(node);
    }

    private boolean knowsEveryNode(RedisClusterView view) {
        return view.nodes().size() == nodes.size() && ids.values().stream().allMatch(id -> view.node(id).isPresent());
    }

    private static boolean isInSync(RedisServerProcess replica) {
        return replica.cli("INFO", "replication").contains("master_link_status:up");
    }

    private List<RedisServerProcess> liveMembers(Predicate<Node> role) {
        RedisClusterView view = view(anyLive());
        return live().stream().filter(node -> view.node(nodeId(node)).filter(role)
                .filter(seen -> !seen.isFailing()).isPresent()).toList();
    }

    private static List<String> keysIn(RedisServerProcess node, int slot) {
        String keys = node.cli("CLUSTER", "GETKEYSINSLOT", Integer.toString(slot), Integer.toString(MIGRATE_BATCH));
        return Arrays.stream(keys.split("\n")).filter(key -> !key.isEmpty()).toList();
    }

    private static void migrate(RedisServerProcess from, RedisServerProcess to, List<String> keys) {
        // The default user, which needs no password, runs MIGRATE: no AUTH2 even in a set with the ACL user.
        List<String> args = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(to.port()), "", "0",
                Long.toString(MIGRATE_TIMEOUT.toMillis()), "KEYS"));
        args.addAll(keys);
        ok(from, args.toArray(String[]::new));
    }

    private static void ok(RedisServerProcess node, String... command) {
        String reply = node.cli(command);
        if (!reply.equals("OK")) {
            throw new IllegalStateException(String.join(" ", command) + " on " + node + " replied " + reply);
        }
    }

    private RedisClusterView view(RedisServerProcess node) {
        return RedisClusterView.parse(node.cli("CLUSTER", "NODES"));
    }

    private List<RedisServerProcess> live() {
        return nodes.stream().filter(RedisServerProcess::isRunning).toList();
    }

    private RedisServerProcess anyLive() {
        return live().stream().findFirst().orElseThrow(() -> new IllegalStateException("no node of " + this + " runs"));
    }

    private RedisServerProcess byId(String id) {
        return ids.entrySet().stream().filter(entry -> entry.getValue().equals(id)).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of " + this + " has the id " + id));
    }

    private static String address(RedisServerProcess node) {
        return "127.0.0.1:" + node.port();
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
