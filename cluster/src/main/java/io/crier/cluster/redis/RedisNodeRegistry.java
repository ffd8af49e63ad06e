package io.crier.cluster.redis;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.NodeRegistry;
import io.crier.protocol.NodeInfo;
import io.crier.protocol.NodesCodec;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link NodeRegistry} of a fleet, in Redis. With {@code redis.prefix} {@code <P>} (default
 * {@code crier:}), node {@code <N>}'s record is the string {@code {<P>nodes}:<N>}: its {@link NodesCodec} JSON,
 * written with {@code SET ... PX lease}, so {@code GET} and {@code PTTL} show an operator what a node said and
 * how long it has left. The sorted set {@code {<P>nodes}} indexes the live ones by lease end; both share one
 * hash slot. Every operation is one Lua script ({@link NodeScript}) timed by Redis' clock, which first drops
 * the index entries whose lease has ended: a node that stops refreshing (it crashed) is gone from every
 * {@link #list} at most one lease after its last refresh, and the index never holds more than the live nodes
 * plus those that died since the last call.
 * A refresh writes the record and its index entry again, so the registry heals after Redis lost its data.
 *
 * <p>Connects at construction, in the background, with {@link RedisLink}'s bounded queue and backoff.
 * {@link #announce} waits for the first connection; every other operation fails at once with
 * {@link BrokerUnavailableException} until connected and while Redis is down.
 *
 * <p>Thread-safe; stages complete on Lettuce's threads. Do not call {@link #close()} from one.
 */
public final class RedisNodeRegistry implements NodeRegistry {

    private static final Logger log = LoggerFactory.getLogger(RedisNodeRegistry.class);

    private final String index;
    private final String recordPrefix;
    private final byte[] leaseMillis;
    private final NodesCodec codec = new NodesCodec();
    private final RedisLink link;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final AtomicLong malformed = new AtomicLong();
    private volatile CommandConnection connection;
    private volatile boolean closed;

    /**
     * @param link   the node's link to Redis (its {@code prefix} names the keys)
     * @param lease  how long a record lives without a refresh, at least one millisecond
     */
    public RedisNodeRegistry(RedisLink link, Duration lease) {
        Objects.requireNonNull(link, "link");
        RedisConfig config = link.config();
        Objects.requireNonNull(lease, "lease");
        if (lease.toMillis() < 1) {
            throw new IllegalArgumentException("lease must be at least 1ms");
        }
        this.index = "{" + config.prefix() + "nodes}";
        this.recordPrefix = index + ":";
        this.leaseMillis = text(Long.toString(lease.toMillis()));
        this.link = link;
        link.openCommands("node registry", this::adopt, error -> { },
                () -> closed);
    }

    /** Completes once the first connection is open (for tests; operations other than announce fail until then). */
    public CompletionStage<Void> connected() {
        return connected;
    }

    /** How many stored records could not be read (written by something else than a node); skipped. */
    public long malformedRecords() {
        return malformed.get();
    }

    /** The Redis key of node {@code nodeId}'s record. */
    public String recordKey(String nodeId) {
        return recordPrefix + nodeId;
    }

    /** The Redis key of the index of live nodes. */
    public String indexKey() {
        return index;
    }

    @Override
    public CompletionStage<Void> announce(NodeInfo node) {
        Objects.requireNonNull(node, "node");
        return connected.thenCompose(ignored -> refresh(node));
    }

    @Override
    public CompletionStage<Void> refresh(NodeInfo node) {
        Objects.requireNonNull(node, "node");
        return call("node announce", redis -> NodeScript.ANNOUNCE.<Long>run(redis, ScriptOutputType.INTEGER,
                new String[] {index, recordKey(node.id())}, text(node.id()), codec.encode(node), leaseMillis))
                .thenApply(ignored -> null);
    }

    @Override
    public CompletionStage<List<NodeInfo>> list() {
        return call("node list", redis -> NodeScript.LIST.<List<Object>>run(redis, ScriptOutputType.MULTI,
                new String[] {index}, text(Integer.toString(MAX_NODES)), text(recordPrefix)))
                .thenApply(this::records);
    }

    @Override
    public CompletionStage<Void> withdraw(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        return call("node withdraw", redis -> NodeScript.WITHDRAW.<Long>run(redis, ScriptOutputType.INTEGER,
                new String[] {index, recordKey(nodeId)}, text(nodeId))).thenApply(ignored -> null);
    }

    /** {@inheritDoc} Blocks until Lettuce's threads are stopped (at most a few seconds). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        connected.completeExceptionally(new BrokerUnavailableException("the node registry was closed"));
        if (connection != null) {
            connection.close();
        }
    }

    private void adopt(CommandConnection opened) {
        connection = opened;
        connected.complete(null);
    }

    private List<NodeInfo> records(List<Object> stored) {
        List<NodeInfo> nodes = new ArrayList<>(stored.size());
        for (Object value : stored) {
            try {
                nodes.add(codec.decode((byte[]) value));
            } catch (IllegalArgumentException e) {
                // Written by something else than a node; counted and skipped so that one bad value cannot
                // hide the whole fleet.
                malformed.incrementAndGet();
                log.debug("skipped a malformed node record", e);
            }
        }
        nodes.sort(Comparator.comparing(NodeInfo::id));
        return List.copyOf(nodes);
    }

    /** Runs one script on the connection, with every failure turned into {@link BrokerUnavailableException}. */
    private <T> CompletionStage<T> call(String what,
                                        Function<RedisClusterAsyncCommands<String, byte[]>, CompletionStage<T>> command) {
        CommandConnection open = connection;
        if (closed) {
            return CompletableFuture.failedFuture(new BrokerUnavailableException("the node registry is closed"));
        }
        return RedisLink.call(open, what, command);
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
