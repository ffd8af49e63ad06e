package io.crier.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a test {@link RedisServerProcess} runs beyond the fixture's defaults (127.0.0.1, its own dir and log, no
 * RDB snapshots): AOF persistence, TLS, Sentinel mode, and more configuration lines (a replica's
 * {@code replicaof}, an ACL {@code user}, a sentinel's {@code sentinel monitor}). Immutable.
 *
 * @param aof      append-only file with {@code appendfsync always}: every acknowledged write survives a kill
 * @param tls      the certificates of a server that speaks TLS only, or {@code null} for plain TCP
 * @param sentinel whether the server runs as a Sentinel ({@code redis-server FILE --sentinel})
 * @param config   configuration lines, as in a redis.conf
 */
public record RedisServerSetup(boolean aof, RedisTls tls, boolean sentinel, List<String> config) {

    public RedisServerSetup {
        config = List.copyOf(Objects.requireNonNull(config, "config"));
    }

    /** A plain data node without persistence. */
    public static RedisServerSetup plain() {
        return new RedisServerSetup(false, null, false, List.of());
    }

    /** This setup with AOF persistence. */
    public RedisServerSetup withAof() {
        return new RedisServerSetup(true, tls, sentinel, config);
    }

    /** This setup speaking TLS only, with {@code certificates}. */
    public RedisServerSetup withTls(RedisTls certificates) {
        return new RedisServerSetup(aof, certificates, sentinel, config);
    }

    /** This setup as a Sentinel. */
    public RedisServerSetup asSentinel() {
        return new RedisServerSetup(aof, tls, true, config);
    }

    /** This setup with more configuration lines. */
    public RedisServerSetup with(String... lines) {
        List<String> more = new ArrayList<>(config);
        more.addAll(List.of(lines));
        return new RedisServerSetup(aof, tls, sentinel, more);
    }

    /** The whole configuration file of a server on {@code port} that keeps its files in {@code dir}. */
    List<String> file(int port, String dir) {
        List<String> lines = new ArrayList<>(tls == null ? List.of("port " + port) : tls.serverConfig(port));
        lines.addAll(List.of("bind 127.0.0.1", "dir " + dir, "logfile " + dir + "/redis.log", "daemonize no"));
        if (!sentinel) {
            // A replica's full sync starts at once rather than after the default 5 s wait for more replicas.
            lines.addAll(List.of("save \"\"", "appendonly " + (aof ? "yes" : "no"),
                    "appendfsync " + (aof ? "always" : "everysec"), "repl-diskless-sync-delay 0"));
        }
        lines.addAll(config);
        return lines;
    }

    /** What redis-cli needs to reach the server. */
    List<String> cliArguments() {
        return tls == null ? List.of() : tls.cliArguments();
    }
}
