package io.crier.cluster.redis;

import io.crier.cluster.BrokerUnavailableException;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's one link to Redis: one Lettuce {@link ClientResources} and one {@link RedisClient}, shared by all of
 * its Redis work (broker, history, presence, node registry), set up the way STYLE.md §5 asks (bounded request
 * queue, commands rejected while disconnected, command timeout, reconnect backoff from {@link RedisConfig}).
 * Each user opens its own connections through it; they are retried with the same backoff until they open, and
 * once open Lettuce reconnects them by itself. The composition root makes one and closes it after every user.
 *
 * <p>{@code redis.mode} and the URI's scheme choose the mode ({@link RedisEndpoint}). In Sentinel mode every
 * connection, and every reconnect, first asks a sentinel for the master's address, so that after a failover each
 * connection lands on the new master by itself: the broker resubscribes and the function link reloads the library
 * there. In cluster mode a {@link RedisClusterClient} on the same resources serves the command connections: it
 * learns the slot map from the seeds, reads it again on Lettuce's adaptive triggers (MOVED, ASK, lost connections)
 * and whenever {@link #refreshTopology()} asks (the sharded broker does, every {@code redis.topologyRefresh}), and
 * routes each command to its slot's primary. Sharded pub/sub
 * connections go to one node each ({@link #connectNode}); the plain client behind them never reconnects by itself,
 * since the sharded broker moves their subscriptions to the slots' new owners.
 *
 * <p>Thread-safe. {@link #close()} blocks; never call it on a Lettuce thread.
 */
public final class RedisLink implements AutoCloseable {

    /** Keys (channels) are UTF-8 text; values (payloads) are bytes, passed through untouched. */
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);
    /**
     * A node's few connections (pub/sub, commands, history, presence, node registry) need no more threads than
     * two; Lettuce's default is one per core, for each pool.
     */
    private static final int THREADS = 2;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** A primary that serves slots and is not marked failed. */
    static final Predicate<RedisClusterNode> SERVING_PRIMARY = node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM)
            && !node.is(RedisClusterNode.NodeFlag.FAIL) && !node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)
            && !node.getSlots().isEmpty();
    /** How soon after one adaptive topology refresh (MOVED, a lost connection) Lettuce may run the next. */
    private static final Duration ADAPTIVE_REFRESH_QUIET = Duration.ofMillis(500);

    private final RedisConfig config;
    private final RedisEndpoint endpoint;
    private final RedisURI uri;
    private final RedisReconnectDelay backoff;
    private final ClientResources resources;
    /** Standalone or Sentinel: every connection. Cluster mode: the sharded pub/sub connections to single nodes. */
    private final RedisClient client;
    /** Cluster mode only: the command connections, routed by slot. */
    private final RedisClusterClient clusterClient;
    /** Cluster mode: the command connections' subscriptions to slot map changes, ended by {@link #close()}. */
    private final List<AutoCloseable> topologyWatches = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * Sets up the client for {@code config}; nothing connects before a user opens a connection.
     *
     * @throws IllegalArgumentException if {@code config.uri()} is empty, or {@code config.tlsCaFile()} holds no
     *                                  readable certificate
     */
    public RedisLink(RedisConfig config) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("redis.uri is empty: no Redis to link to");
        }
        this.config = config;
        this.endpoint = RedisEndpoint.parse(config.uri(), config.mode());
        this.uri = endpoint.lettuceUri();
        // The sentinels are asked with the same bound as every command: a dead one must not hold a reconnect.
        this.uri.setTimeout(config.commandTimeout());
        this.uri.getSentinels().forEach(sentinel -> sentinel.setTimeout(config.commandTimeout()));
        this.backoff = new RedisReconnectDelay(config.reconnectMinDelay(), config.reconnectMaxDelay());
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(THREADS)
                .computationThreadPoolSize(THREADS)
                .reconnectDelay(backoff)
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .commandLatencyPublisherOptions(DefaultEventPublisherOptions.disabled())
                .build();
        this.client = RedisClient.create(resources);
        SslOptions ssl = config.tlsCaFile().isEmpty() ? null
                : SslOptions.builder().jdkSslProvider().trustManager(caFile(config.tlsCaFile())).build();
        boolean cluster = endpoint.mode() == RedisEndpoint.Mode.CLUSTER;
        client.setOptions(baseOptions(ClientOptions.builder(), ssl).autoReconnect(!cluster).build());
        if (cluster) {
            List<RedisURI> seeds = endpoint.seeds();
            seeds.forEach(seed -> seed.setTimeout(config.commandTimeout()));
            this.clusterClient = RedisClusterClient.create(resources, seeds);
            // No periodic refresh of Lettuce's own: the sharded broker reads the slot map every topologyRefresh (one
            // reading per node, which every connection of the client then routes by), and Lettuce reads it again
            // on its adaptive triggers (MOVED, ASK, a connection that cannot reconnect).
            ClusterTopologyRefreshOptions refresh = ClusterTopologyRefreshOptions.builder()
                    .enablePeriodicRefresh(false)
                    .enableAllAdaptiveRefreshTriggers()
                    .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_QUIET)
                    .refreshTriggersReconnectAttempts(1)
                    .closeStaleConnections(true)
                    .build();
            ClusterClientOptions.Builder options = ClusterClientOptions.builder().topologyRefreshOptions(refresh);
            clusterClient.setOptions(baseOptions(options, ssl).autoReconnect(true).build());
        } else {
            this.clusterClient = null;
        }
    }

    /** The options every client of the link shares: bounded, failing fast while disconnected, with timeouts. */
    private <B extends ClientOptions.Builder> B baseOptions(B options, SslOptions ssl) {
        options.requestQueueSize(config.requestQueueSize())
                .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                // Lettuce's default is 10 s: a sentinel (or master) whose address does not answer at all would hold
                // every lookup that long before the next sentinel is asked.
                .socketOptions(SocketOptions.builder().connectTimeout(config.commandTimeout()).build());
        if (ssl != null) {
            options.sslOptions(ssl);
        }
        return options;
    }

    /** The CA file, once checked to hold at least one certificate: a typo stops the node at start, not each connect. */
    private static File caFile(String path) {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new IllegalArgumentException("redis.tlsCaFile: no certificate in " + path);
            }
            return new File(path);
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("redis.tlsCaFile: cannot read certificates from " + path + " ("
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Opens one command connection (to the whole cluster, in cluster mode), retrying with the backoff until it
     * works, the link is closed or {@code abandoned} says its user was closed, then hands it to {@code adopt}.
     * {@code firstFailure} hears of the first failed attempt only.
     */
    void openCommands(String name, Consumer<CommandConnection> adopt, Consumer<Throwable> firstFailure,
                      BooleanSupplier abandoned) {
        Supplier<CompletionStage<CommandConnection>> connector = clusterClient != null
                // Lettuce connects only once it has read the slot map, which it does not do by itself.
                ? () -> clusterClient.refreshPartitionsAsync()
                        .thenCompose(ignored -> clusterClient.connectAsync(CODEC)).thenCompose(this::warmUp)
                        .thenApply(CommandConnection::of).exceptionallyCompose(this::diagnose)
                : () -> client.connectAsync(CODEC, uri).thenApply(CommandConnection::of);
        open(name, connector, adopt, CommandConnection::close, firstFailure, abandoned, 1);
    }

    /**
     * Opens the pub/sub connection of a standalone Redis (or of the master the sentinels name) like
     * {@link #openCommands}; Lettuce reconnects it and replays its subscriptions by itself.
     *
     * @throws IllegalStateException in cluster mode, where sharded pub/sub goes to single nodes ({@link #connectNode})
     */
    void openPubSub(String name, Consumer<StatefulRedisPubSubConnection<String, byte[]>> adopt,
                    Consumer<Throwable> firstFailure, BooleanSupplier abandoned) {
        if (clusterClient != null) {
            throw new IllegalStateException("a Redis Cluster has no one pub/sub connection");
        }
        open(name, () -> client.connectPubSubAsync(CODEC, uri), adopt, StatefulConnection::closeAsync, firstFailure,
                abandoned, 1);
    }

    /**
     * Opens a pub/sub connection for classic {@code SUBSCRIBE}/{@code PUBLISH}, which reach every node of the
     * fleet in every mode (a Redis Cluster broadcasts a classic {@code PUBLISH} to all its nodes): to the one
     * Redis (or the master the sentinels name), or, in cluster mode, to a node of the cluster. Retried like
     * {@link #openCommands}; Lettuce reconnects it and replays its subscriptions by itself.
     */
    void openBroadcastPubSub(String name, Consumer<StatefulRedisPubSubConnection<String, byte[]>> adopt,
                             Consumer<Throwable> firstFailure, BooleanSupplier abandoned) {
        Supplier<CompletionStage<StatefulRedisPubSubConnection<String, byte[]>>> connector = clusterClient != null
                ? () -> clusterClient.refreshPartitionsAsync()
                        .thenCompose(ignored -> clusterClient.connectPubSubAsync(CODEC))
                        .thenApply(connection -> (StatefulRedisPubSubConnection<String, byte[]>) connection)
                : () -> client.connectPubSubAsync(CODEC, uri);
        open(name, connector, adopt, StatefulConnection::closeAsync, firstFailure, abandoned, 1);
    }

    private <C> void open(String name, Supplier<CompletionStage<C>> connector, Consumer<C> adopt,
                          Consumer<C> discard, Consumer<Throwable> firstFailure, BooleanSupplier abandoned,
                          long attempt) {
        if (closed || abandoned.getAsBoolean()) {
            return;
        }
        dispatch(connector).whenComplete((connection, error) -> {
            boolean gone = closed || abandoned.getAsBoolean();
            if (error == null && !gone) {
                adopt.accept(connection);
            } else if (error == null) {
                // Opened just as its user or the link closed: nobody will use it.
                discard.accept(connection);
            } else if (!gone) {
                // The owner says once, in words, that Redis is not reachable (firstFailure); the details are for debug.
                log.debug("Redis {} connection to {} failed (attempt {}); retrying", name, describe(), attempt, error);
                if (attempt == 1) {
                    firstFailure.accept(error);
                }
                later(() -> open(name, connector, adopt, discard, firstFailure, abandoned, attempt + 1),
                        backoff.createDelay(attempt));
            }
        });
    }

    /** The reconnect backoff's delay before retry number {@code attempt} (from 1). */
    Duration retryDelay(long attempt) {
        return backoff.createDelay(attempt);
    }

    /**
     * Cluster mode: Lettuce says only that it could not read the slot map; the first seed, asked directly, says
     * why when it answers (a standalone Redis, a cluster that serves no slots). Fails with that
     * {@link RedisProblems.UnfitServer}, or else with {@code error}.
     */
    private <T> CompletionStage<T> diagnose(Throwable error) {
        CompletionStage<Optional<String>> problem = dispatch(() -> client.connectAsync(CODEC, endpoint.seeds().get(0)))
                .thenCompose(seed -> dispatch(() -> seed.async().info("server"))
                        .thenCompose(info -> RedisProblems.unfitServer(info, true).isPresent()
                                ? CompletableFuture.completedFuture(RedisProblems.unfitServer(info, true))
                                : dispatch(() -> seed.async().clusterInfo()).thenApply(RedisProblems::unfitCluster))
                        .whenComplete((found, failure) -> seed.closeAsync()));
        return problem.handle((found, failure) -> {
            Throwable cause = found != null && found.isPresent()
                    ? new RedisProblems.UnfitServer(found.get(), error) : error;
            throw cause instanceof CompletionException completion ? completion : new CompletionException(cause);
        });
    }

    /**
     * Opens the cluster connection's connection to every primary that serves slots, now and after each change of
     * the slot map: Lettuce opens one only for the first command that needs it, and rejects that command while it
     * opens, as it rejects every command to a node it is not connected to.
     */
    private CompletionStage<StatefulRedisClusterConnection<String, byte[]>> warmUp(
            StatefulRedisClusterConnection<String, byte[]> connection) {
        topologyWatches.add(onTopologyChange(() -> openToPrimaries(connection)));
        return openToPrimaries(connection).thenApply(ignored -> connection);
    }

    private CompletableFuture<Void> openToPrimaries(StatefulRedisClusterConnection<String, byte[]> connection) {
        if (!connection.isOpen()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<?>[] opening = StreamSupport.stream(connection.getPartitions().spliterator(), false)
                .filter(SERVING_PRIMARY)
                .map(node -> connection.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort())
                        .handle((opened, error) -> null))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(opening);
    }

    /** Whether this link is to a Redis Cluster ({@code redis.mode=cluster}). */
    public boolean sharded() {
        return clusterClient != null;
    }

    /**
     * Opens a pub/sub connection to one node of the cluster, once (no retry, and no reconnect after a loss: its
     * user moves its subscriptions instead). Cluster mode only.
     */
    CompletionStage<StatefulRedisPubSubConnection<String, byte[]>> connectNode(String host, int port) {
        return dispatch(() -> client.connectPubSubAsync(CODEC, endpoint.node(host, port)));
    }

    /** The slot map as Lettuce knows it now. Cluster mode only. */
    Partitions partitions() {
        return clusterClient.getPartitions();
    }

    /** Reads the slot map again from the cluster. Cluster mode only. */
    CompletionStage<Void> refreshTopology() {
        return dispatch(clusterClient::refreshPartitionsAsync);
    }

    /**
     * Runs {@code task} on each change of the cluster's slot map that Lettuce sees (on its event thread), until
     * the returned handle is closed. Lettuce may announce a change before its slot map shows it: read the map
     * again a little later, too. Cluster mode only.
     */
    AutoCloseable onTopologyChange(Runnable task) {
        reactor.core.Disposable subscription = resources.eventBus().get()
                .filter(ClusterTopologyChangedEvent.class::isInstance)
                .subscribe(event -> task.run(), error -> log.debug("Topology events ended", error));
        return subscription::dispose;
    }

    /** The settings this link was made with. */
    public RedisConfig config() {
        return config;
    }

    /** A bound on one connection's commands waiting for Redis: {@code redis.requestQueueSize}. */
    InFlightLimit newInFlightLimit() {
        return new InFlightLimit(config.requestQueueSize());
    }

    /**
     * Where this link's Redis is, for logs: {@code host:port} of a standalone Redis, or the master's name and its
     * sentinels; never the password the URI may carry.
     */
    public String describe() {
        return endpoint.describe();
    }

    /** For logs, where a connection landed: {@code host:port}, and in Sentinel mode which master it is. */
    String describe(SocketAddress connectedTo) {
        return endpoint.describe(connectedTo);
    }

    /**
     * One sentence on why this link could not connect (a failure from a user's start stage), for the operator:
     * a wrong mode, a name the sentinels do not know, refused credentials, TLS, or nothing listening.
     */
    public String explain(Throwable connectFailure) {
        return RedisProblems.connectFailed(endpoint, connectFailure);
    }

    /** Runs {@code task} after {@code delay} on Lettuce's executor, unless the link has been closed. */
    void later(Runnable task, Duration delay) {
        if (closed) {
            return;
        }
        try {
            resources.eventExecutorGroup().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Only once close() has shut the executor down, when there is nothing left to retry for.
            log.debug("Dropped a Redis retry: the link is closed", e);
        }
    }

    /**
     * Closes every connection of every user and stops every Lettuce thread. Blocks; never call it on a Lettuce
     * thread. Close the users first, so that none is still retrying.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable watch : topologyWatches) {
            try {
                watch.close();
            } catch (Exception e) {
                log.debug("Ending a topology watch failed", e);
            }
        }
        // Shutting the client down closes its connections and fails any connect still in flight.
        if (clusterClient != null) {
            clusterClient.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
        }
        client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
        resources.shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
    }

    /**
     * Closes one user's connection, if it has one, without waiting on a Lettuce thread: a user closes its own
     * connections, the link closes the client.
     */
    static void closeQuietly(StatefulConnection<?, ?> connection) {
        // Lettuce logs a WARN for closing a connection twice (the link may have closed it already).
        if (connection != null && connection.isOpen()) {
            connection.closeAsync();
        }
    }

    /** Runs {@code up} each time a connection is (re)activated, {@code down} each time it is lost. */
    static RedisConnectionStateListener onLinkChange(Runnable up, Runnable down) {
        return onLinkChange(address -> up.run(), down);
    }

    /**
     * Runs {@code up} with the server's address each time a connection is (re)activated, {@code down} each time it
     * is lost.
     */
    static RedisConnectionStateListener onLinkChange(Consumer<SocketAddress> up, Runnable down) {
        // Lettuce fires these after the handshake and its own activation (its ConnectionEventTrigger sits
        // behind the CommandHandler), so isOpen() is already true in onRedisConnected.
        return new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                up.accept(address);
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                down.run();
            }
        };
    }

    /** Sends a command; Lettuce reports failures in the stage, but a closed client may throw instead. */
    static <T> CompletionStage<T> dispatch(Supplier<? extends CompletionStage<T>> command) {
        try {
            return command.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The outcome of a command, with any failure turned into a {@link BrokerUnavailableException}. */
    static CompletionStage<Void> translate(CompletionStage<?> command, String what) {
        return translateFailure(command, what).<Void>thenApply(ignored -> null);
    }

    /**
     * Runs {@code command} on {@code open} (failing at once when it is still {@code null}), with its value
     * kept and any failure turned into a {@link BrokerUnavailableException}.
     */
    static <T> CompletionStage<T> call(CommandConnection open, String what,
                                       Function<RedisClusterAsyncCommands<String, byte[]>, CompletionStage<T>> command) {
        if (open == null) {
            return CompletableFuture.failedFuture(new BrokerUnavailableException("not connected to Redis yet"));
        }
        return translateFailure(dispatch(() -> command.apply(open.async())), what);
    }

    /** The outcome of {@code command}, its value kept, any failure a {@link BrokerUnavailableException}. */
    private static <T> CompletionStage<T> translateFailure(CompletionStage<T> command, String what) {
        CompletableFuture<T> result = new CompletableFuture<>();
        command.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            result.completeExceptionally(cause instanceof BrokerUnavailableException
                    ? cause : new BrokerUnavailableException(what + " failed: " + cause.getMessage(), cause));
        });
        return result;
    }
}
