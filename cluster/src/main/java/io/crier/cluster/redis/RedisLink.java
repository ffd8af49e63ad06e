package io.crier.cluster.redis;

import io.crier.cluster.BrokerUnavailableException;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ConnectionFuture;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.metrics.CommandLatencyRecorder;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's one link to Redis: one Lettuce {@link ClientResources} and one {@link RedisClient}, shared by all of
 * its Redis work (broker, history, presence, node registry), set up the way STYLE.md §5 asks (bounded request
 * queue, commands rejected while disconnected, command timeout, reconnect backoff from {@link RedisConfig}).
 * Each user opens its own connections through it; they are retried with the same backoff until they open, and
 * once open Lettuce reconnects them by itself. The composition root makes one and closes it after every user.
 *
 * <p>The URI's scheme chooses the mode ({@link RedisEndpoint}). In Sentinel mode every connection, and every
 * reconnect, first asks a sentinel for the master's address, so that after a failover each connection lands on
 * the new master by itself: the broker resubscribes and the function link reloads the library there.
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

    private final RedisConfig config;
    private final RedisEndpoint endpoint;
    private final RedisURI uri;
    private final RedisReconnectDelay backoff;
    private final ClientResources resources;
    private final RedisClient client;
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
        this.endpoint = RedisEndpoint.parse(config.uri());
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
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(true)
                .requestQueueSize(config.requestQueueSize())
                .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                // Lettuce's default is 10 s: a sentinel (or master) whose address does not answer at all would hold
                // every lookup that long before the next sentinel is asked.
                .socketOptions(SocketOptions.builder().connectTimeout(config.commandTimeout()).build());
        if (!config.tlsCaFile().isEmpty()) {
            options.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(caFile(config.tlsCaFile())).build());
        }
        client.setOptions(options.build());
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
     * Opens one connection with {@code connector}, retrying with the backoff until it works, the link is closed or
     * {@code abandoned} says its user was closed, then hands it to {@code adopt}. {@code firstFailure} hears of
     * the first failed attempt only.
     */
    <C extends StatefulConnection<String, byte[]>> void open(String name,
            BiFunction<RedisClient, RedisURI, ConnectionFuture<C>> connector, Consumer<C> adopt,
            Consumer<Throwable> firstFailure, BooleanSupplier abandoned) {
        open(name, connector, adopt, firstFailure, abandoned, 1);
    }

    private <C extends StatefulConnection<String, byte[]>> void open(String name,
            BiFunction<RedisClient, RedisURI, ConnectionFuture<C>> connector, Consumer<C> adopt,
            Consumer<Throwable> firstFailure, BooleanSupplier abandoned, long attempt) {
        if (closed || abandoned.getAsBoolean()) {
            return;
        }
        dispatch(() -> connector.apply(client, uri)).whenComplete((connection, error) -> {
            boolean gone = closed || abandoned.getAsBoolean();
            if (error == null && !gone) {
                adopt.accept(connection);
            } else if (error == null) {
                // Opened just as its user or the link closed: nobody will use it.
                connection.closeAsync();
            } else if (!gone) {
                // The owner says once, in words, that Redis is not reachable (firstFailure); the details are for debug.
                log.debug("Redis {} connection to {} failed (attempt {}); retrying", name, describe(), attempt, error);
                if (attempt == 1) {
                    firstFailure.accept(error);
                }
                later(() -> open(name, connector, adopt, firstFailure, abandoned, attempt + 1),
                        backoff.createDelay(attempt));
            }
        });
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
        // Shutting the client down closes its connections and fails any connect still in flight.
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
    static <T> CompletionStage<T> call(StatefulRedisConnection<String, byte[]> open, String what,
                                       Function<RedisAsyncCommands<String, byte[]>, CompletionStage<T>> command) {
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
