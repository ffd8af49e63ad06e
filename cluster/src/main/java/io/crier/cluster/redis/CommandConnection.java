package io.crier.cluster.redis;

import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.Optional;

/**
 * One command connection of a {@link RedisLink}, whatever the mode: to one Redis (standalone, or the master the
 * sentinels name) or to a whole Redis Cluster, where Lettuce sends each command to the primary that owns its
 * key's slot and follows {@code MOVED}/{@code ASK}. Its users send the commands both kinds share.
 *
 * <p>Thread-safe, as Lettuce's connections are.
 */
final class CommandConnection {

    private final StatefulConnection<String, byte[]> connection;
    private final RedisClusterAsyncCommands<String, byte[]> commands;
    private final StatefulRedisClusterConnection<String, byte[]> cluster;

    private CommandConnection(StatefulConnection<String, byte[]> connection,
                              RedisClusterAsyncCommands<String, byte[]> commands,
                              StatefulRedisClusterConnection<String, byte[]> cluster) {
        this.connection = connection;
        this.commands = commands;
        this.cluster = cluster;
    }

    /** A connection to one Redis. */
    static CommandConnection of(StatefulRedisConnection<String, byte[]> connection) {
        return new CommandConnection(connection, connection.async(), null);
    }

    /** A connection to a Redis Cluster. */
    static CommandConnection of(StatefulRedisClusterConnection<String, byte[]> connection) {
        return new CommandConnection(connection, connection.async(), connection);
    }

    /** The commands, routed by key in a cluster. */
    RedisClusterAsyncCommands<String, byte[]> async() {
        return commands;
    }

    /** The cluster connection, in cluster mode. */
    Optional<StatefulRedisClusterConnection<String, byte[]>> cluster() {
        return Optional.ofNullable(cluster);
    }

    boolean isOpen() {
        return connection.isOpen();
    }

    /**
     * Hears of the connection's (re)activations and losses. A cluster connection reports its own, not those of its
     * connections to each node.
     */
    void addListener(RedisConnectionStateListener listener) {
        connection.addListener(listener);
    }

    /** Closes the connection without waiting, unless the link closed it already. */
    void close() {
        RedisLink.closeQuietly(connection);
    }
}
