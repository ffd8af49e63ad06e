package io.crier.cluster.redis;

import static io.crier.cluster.redis.RedisLink.dispatch;

import io.crier.cluster.BrokerUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.AsyncNodeSelection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis command connection that calls the {@code crier} function library ({@code crier.lua}): each time the
 * connection opens (at start, after a reconnect, on the new master after a Sentinel failover) it checks that the
 * server can serve ({@code INFO server}: a data node, not a Sentinel or a Cluster node, Redis 7.0 or newer) and
 * loads the library with {@code FUNCTION LOAD REPLACE} (a Redis restarted without persistence has lost it), and
 * it serves calls only once that load succeeded. A server that cannot serve is named in one WARN line per
 * distinct problem, fails the start stage with that sentence, and is checked again every
 * {@code reconnectMaxDelay}. A call that still meets "Function not found" (someone flushed the functions)
 * reloads the library and is retried once.
 *
 * <p>Bounded like {@link RedisBroker}: commands are rejected while disconnected, and at most
 * {@code requestQueueSize} calls wait for Redis at a time. Redis errors become
 * {@link BrokerUnavailableException}, except the library's own input errors ({@code ERR crier: ...}), which
 * are the caller's mistake and become {@link IllegalArgumentException}.
 *
 * <p>Thread-safe. Stages complete on Lettuce's threads.
 */
final class RedisFunctionLink {

    /** The library's source, sent by every node; REPLACE makes loading it again harmless. */
    static final String LIBRARY = readLibrary();

    private static final Logger log = LoggerFactory.getLogger(RedisFunctionLink.class);
    private static final String INPUT_ERROR = "ERR crier: ";
    /** Where the library must be. */
    private static final Predicate<RedisClusterNode> SERVING_PRIMARY = RedisLink.SERVING_PRIMARY;

    private final RedisConfig config;
    private final RedisLink link;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final InFlightLimit commands;
    private final AtomicBoolean starting = new AtomicBoolean();
    /** Orders connection (re)activations, losses and load outcomes. */
    private final Object lock = new Object();
    private volatile CommandConnection connection;
    /** Whether the library was loaded on the current activation of {@link #connection}. */
    private volatile boolean ready;
    private volatile boolean closed;
    /** Bumped on each activation and loss, so that a stale load cannot mark the link ready. */
    private long activation;
    /** The last problem logged, so that each distinct one is logged once. */
    private String problemLogged;
    /** Cluster mode: the IDs of the primaries the library was last loaded on. */
    private volatile Set<String> loadedOn = Set.of();
    /** Cluster mode: the subscription to slot map changes, closed with the link. */
    private volatile AutoCloseable topologyEvents;

    RedisFunctionLink(RedisLink link) {
        this.link = Objects.requireNonNull(link, "link");
        this.config = link.config();
        this.commands = link.newInFlightLimit();
    }

    /**
     * Connects in the background; the stage completes once the library is loaded, or fails on the first
     * failure. Called once.
     */
    CompletionStage<Void> start(String name) {
        if (!starting.compareAndSet(false, true)) {
            throw new IllegalStateException("start() was already called");
        }
        link.openCommands(name, this::adopt, this::failStart, () -> closed);
        return started.copy();
    }

    private void failStart(Throwable error) {
        started.completeExceptionally(new BrokerUnavailableException("cannot connect to Redis", error));
    }

    /** Whether calls are served now: connected, and the library loaded on this connection. */
    boolean ready() {
        CommandConnection current = connection;
        return ready && !closed && current != null && current.isOpen();
    }

    /**
     * {@code FCALL function 1 channel args...}, or {@code FCALL_RO} when {@code readOnly}, as a list reply. In a
     * Redis Cluster the call names the two keys the functions use instead of the channel, so that Redis runs it
     * where they are while their slot migrates (see {@code crier.lua}).
     */
    CompletionStage<List<Object>> fcall(String function, boolean readOnly, String channel, byte[]... args) {
        String[] keys = keys(channel);
        Function<RedisClusterAsyncCommands<String, byte[]>, CompletionStage<List<Object>>> command = readOnly
                ? commands -> commands.fcallReadOnly(function, ScriptOutputType.MULTI, keys, args)
                : commands -> commands.fcall(function, ScriptOutputType.MULTI, keys, args);
        return translate(reloadingIfMissing(() -> call(command)), function);
    }

    /**
     * {@code FCALL function 1 channel args...} and right behind it, on the same connection, {@code WAIT replicas
     * timeout}: the reply, and how many replicas confirmed every write of that connection so far (this call's
     * included). In a Redis Cluster both go on the connection to the primary that owns the channel's slot, since a
     * WAIT counts the replicas of the node it is sent to; a slot that moved meanwhile fails the call (MOVED), which
     * is retried once on a fresh slot map.
     */
    CompletionStage<Replicated> fcallAndWait(String function, String channel, ReplicaWait wait, byte[]... args) {
        String[] keys = keys(channel);
        Function<RedisClusterAsyncCommands<String, byte[]>, CompletionStage<Replicated>> command = commands -> {
            CompletionStage<List<Object>> reply = commands.fcall(function, ScriptOutputType.MULTI, keys, args);
            CompletionStage<Long> confirmed = commands.waitForReplication(wait.replicas(), wait.timeout().toMillis());
            return reply.thenCombine(confirmed, Replicated::new);
        };
        Supplier<CompletionStage<Replicated>> onOwner = () -> callOnOwner(channel, command);
        return translate(reloadingIfMissing(() -> onOwner.get().exceptionallyCompose(error -> isMoved(error)
                ? link.refreshTopology().thenCompose(refreshed -> onOwner.get())
                : CompletableFuture.failedFuture(error))), function);
    }

    /**
     * The keys a call names: the channel, or in a Redis Cluster the two keys the functions use, so that while
     * their slot migrates Redis runs the call where they are (a node serves a migrating slot's call only when it
     * has every key the call names, and the channel is never a key).
     */
    private String[] keys(String channel) {
        return link.sharded() ? new String[] {"{" + channel + "}:meta", "{" + channel + "}:history"}
                : new String[] {channel};
    }

    /** A publication's reply, and the replicas that confirmed it ({@code WAIT}). */
    record Replicated(List<Object> reply, long replicas) {
    }

    /** Runs {@code call}; when Redis lost the library, loads it (everywhere, in a cluster) and runs it again once. */
    private <T> CompletionStage<T> reloadingIfMissing(Supplier<CompletionStage<T>> call) {
        return call.get().exceptionallyCompose(error -> {
            if (!isFunctionMissing(error)) {
                return CompletableFuture.failedFuture(error);
            }
            log.info("Redis lost the crier function library; loading it again");
            return install(connection).thenCompose(loaded -> call.get());
        });
    }

    /**
     * {@code PUBLISH channel payload}, or {@code SPUBLISH} in a Redis Cluster; the stage completes with the number
     * of receivers (in a cluster, those connected to the primary that owns the channel's slot).
     */
    CompletionStage<Long> publish(String channel, byte[] payload) {
        return link.sharded() ? translate(call(commands -> commands.spublish(channel, payload)), "SPUBLISH")
                : translate(call(commands -> commands.publish(channel, payload)), "PUBLISH");
    }

    /** Closes the connection (the link stays open for its other users). */
    void close() {
        closed = true;
        AutoCloseable events = topologyEvents;
        if (events != null) {
            try {
                events.close();
            } catch (Exception e) {
                log.debug("Closing the topology events failed", e);
            }
        }
        started.completeExceptionally(new BrokerUnavailableException("closed before it connected"));
        CommandConnection current = connection;
        if (current != null) {
            current.close();
        }
    }

    private <T> CompletableFuture<T> call(
            Function<RedisClusterAsyncCommands<String, byte[]>, ? extends CompletionStage<T>> command) {
        return bounded(current -> CompletableFuture.completedFuture(current.async()), command);
    }

    /**
     * Runs {@code command} on the connection to the primary that owns {@code channel}'s slot (in a cluster), or on
     * the one connection.
     */
    private <T> CompletableFuture<T> callOnOwner(String channel,
            Function<RedisClusterAsyncCommands<String, byte[]>, ? extends CompletionStage<T>> command) {
        return bounded(current -> current.cluster().<CompletionStage<RedisClusterAsyncCommands<String, byte[]>>>map(
                cluster -> {
                    RedisClusterNode owner = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(channel));
                    if (owner == null) {
                        return unavailable("no primary serves the slot of " + channel + " now");
                    }
                    return cluster.getConnectionAsync(owner.getUri().getHost(), owner.getUri().getPort())
                            .thenApply(StatefulRedisConnection::async);
                }).orElseGet(() -> CompletableFuture.completedFuture(current.async())), command);
    }

    /** Runs {@code command} on the commands {@code target} picks, within the in-flight bound, once ready. */
    private <T> CompletableFuture<T> bounded(
            Function<CommandConnection, CompletionStage<RedisClusterAsyncCommands<String, byte[]>>> target,
            Function<RedisClusterAsyncCommands<String, byte[]>, ? extends CompletionStage<T>> command) {
        CommandConnection current = connection;
        if (closed) {
            return unavailable("closed");
        }
        if (current == null || !ready) {
            return unavailable("not connected to Redis, or the crier function library is not loaded yet");
        }
        if (!commands.tryAcquire()) {
            return unavailable(commands.max() + " commands are already waiting for Redis");
        }
        CompletableFuture<T> sent = dispatch(() -> target.apply(current))
                .thenCompose(redis -> dispatch(() -> command.apply(redis))).toCompletableFuture();
        sent.whenComplete((ignored, error) -> commands.release());
        return sent;
    }

    private void adopt(CommandConnection opened) {
        connection = opened;
        opened.addListener(RedisLink.onLinkChange(this::load, this::lost));
        if (link.sharded()) {
            topologyEvents = link.onTopologyChange(this::topologyChanged);
        }
        load();
    }

    private void load() {
        CommandConnection current = connection;
        long attempt;
        synchronized (lock) {
            attempt = ++activation;
            ready = false;
        }
        install(current).whenComplete((name, error) -> loaded(current, attempt, error));
    }

    /** Checks the server (every primary, in a cluster) and loads the library there. */
    private CompletionStage<Void> install(CommandConnection current) {
        Optional<StatefulRedisClusterConnection<String, byte[]>> cluster = current.cluster();
        if (cluster.isPresent()) {
            return installOnPrimaries(cluster.get().async());
        }
        return dispatch(() -> current.async().info("server"))
                .thenCompose(info -> fitOrFail(RedisProblems.unfitServer(info, false)))
                .thenCompose(fit -> dispatch(() -> current.async().functionLoad(LIBRARY, true)))
                .thenApply(name -> null);
    }

    private CompletionStage<Void> installOnPrimaries(RedisAdvancedClusterAsyncCommands<String, byte[]> commands) {
        return dispatch(commands::clusterInfo)
                .thenCompose(info -> fitOrFail(RedisProblems.unfitCluster(info)))
                .thenCompose(fit -> {
                    AsyncNodeSelection<String, byte[]> primaries = commands.nodes(SERVING_PRIMARY);
                    // The selection's nodes, read from the same slot map (asMap() would block to connect).
                    Set<String> ids = servingPrimaries(commands.getStatefulConnection().getPartitions());
                    return primaries.commands().info("server")
                            .thenCompose(infos -> fitOrFail(infos.stream()
                                    .map(info -> RedisProblems.unfitServer(info, true))
                                    .flatMap(Optional::stream).findFirst()))
                            .thenCompose(fit2 -> primaries.commands().functionLoad(LIBRARY, true))
                            .thenAccept(names -> loadedOn = ids);
                });
    }

    /** Cluster mode: loads the library where a primary that serves slots has not had it from this link. */
    private void topologyChanged() {
        Set<String> serving = servingPrimaries(link.partitions());
        CommandConnection current = connection;
        if (closed || !ready || current == null || loadedOn.containsAll(serving)) {
            return;
        }
        install(current).whenComplete((ignored, error) -> {
            if (error == null) {
                log.info("Loaded the crier function library on the Redis Cluster's new primaries");
            } else {
                log.debug("Loading the crier function library on new primaries failed; trying again", error);
                link.later(this::topologyChanged, config.reconnectMaxDelay());
            }
        });
    }

    private static Set<String> servingPrimaries(Iterable<RedisClusterNode> partitions) {
        return StreamSupport.stream(partitions.spliterator(), false).filter(SERVING_PRIMARY)
                .map(RedisClusterNode::getNodeId).collect(Collectors.toUnmodifiableSet());
    }

    /** A failed stage with {@code problem}, or a completed one when there is none. */
    private static CompletionStage<Void> fitOrFail(Optional<String> problem) {
        return problem.<CompletionStage<Void>>map(text -> CompletableFuture.failedFuture(new RedisProblems.UnfitServer(text, null)))
                .orElseGet(() -> CompletableFuture.completedFuture(null));
    }

    private void loaded(CommandConnection loadedOn, long attempt, Throwable error) {
        synchronized (lock) {
            if (closed || attempt != activation || !loadedOn.isOpen()) {
                return;
            }
            if (error != null) {
                // A wrong mode, Redis older than 7.0, a user without the right, out of memory: nothing can be
                // served, and an operator may fix it while the node waits, so keep checking.
                unfit(error);
                link.later(this::load, config.reconnectMaxDelay());
                return;
            }
            ready = true;
            problemLogged = null;
        }
        started.complete(null);
    }

    /** Says once per distinct problem why this server cannot serve, and fails the start stage with it. Lock held. */
    private void unfit(Throwable error) {
        Throwable cause = unwrap(error);
        String problem = "Redis at " + link.describe() + " cannot serve: " + (cause instanceof RedisProblems.UnfitServer
                ? cause.getMessage() : RedisProblems.loadFailed(cause));
        if (!problem.equals(problemLogged)) {
            problemLogged = problem;
            log.warn("{}; checking again every {}ms", problem, config.reconnectMaxDelay().toMillis());
            log.debug("What Redis answered", cause);
        }
        started.completeExceptionally(new BrokerUnavailableException(problem, cause));
    }

    private void lost() {
        synchronized (lock) {
            activation++;
            ready = false;
        }
    }

    private static boolean isMoved(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof RedisCommandExecutionException && cause.getMessage() != null
                && (cause.getMessage().startsWith("MOVED") || cause.getMessage().startsWith("ASK"));
    }

    private static boolean isFunctionMissing(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof RedisCommandExecutionException && cause.getMessage() != null
                && cause.getMessage().contains("Function not found");
    }

    /** The outcome of {@code command}, with failures turned into the two exceptions callers expect. */
    private static <T> CompletionStage<T> translate(CompletionStage<T> command, String what) {
        CompletableFuture<T> result = new CompletableFuture<>();
        command.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = unwrap(error);
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof RedisCommandExecutionException && message.startsWith(INPUT_ERROR)) {
                result.completeExceptionally(new IllegalArgumentException(inputError(message), cause));
            } else if (cause instanceof BrokerUnavailableException) {
                result.completeExceptionally(cause);
            } else {
                result.completeExceptionally(new BrokerUnavailableException(what + " failed: " + message, cause));
            }
        });
        return result;
    }

    /** The library's message without Redis' "script: ..., on @user_function:N." suffix. */
    private static String inputError(String message) {
        String text = message.substring(INPUT_ERROR.length());
        int suffix = text.indexOf(" script: ");
        return suffix < 0 ? text : text.substring(0, suffix);
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static <T> CompletableFuture<T> unavailable(String why) {
        return CompletableFuture.failedFuture(new BrokerUnavailableException(why));
    }

    private static String readLibrary() {
        try (InputStream in = RedisFunctionLink.class.getResourceAsStream("crier.lua")) {
            if (in == null) {
                throw new IllegalStateException("crier.lua is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read crier.lua", e);
        }
    }
}
