package io.crier.cluster.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a node's Redis is, as {@code redis.uri} says it: the one place that knows the URI forms and the mode
 * each scheme chooses. {@code redis://} and {@code rediss://} (TLS) name one standalone Redis;
 * {@code redis-sentinel://} and {@code rediss-sentinel://} (TLS to the sentinels and to the master) name one or
 * more sentinels and, after {@code #}, the master they watch: every connection asks a sentinel for the master's
 * address when it (re)connects, so the node follows a failover. With {@code redis.mode=cluster}, a
 * {@code redis://} or {@code rediss://} URI lists seed nodes of a Redis Cluster ({@code redis://h1:p1,h2:p2}),
 * from which the node learns the whole cluster. Credentials in the URI ({@code [user:]password@}) are for the
 * Redis data nodes; Lettuce's URI cannot carry any for the sentinels. Messages about a bad URI never repeat it,
 * since it may hold a password.
 *
 * <p>Immutable; {@link #lettuceUri()} hands out a fresh copy each time.
 */
final class RedisEndpoint {

    /** The mode a URI's scheme chooses. */
    enum Mode {
        STANDALONE, SENTINEL, CLUSTER
    }

    static final String FORMS = "redis://, rediss://, redis-sentinel:// or rediss-sentinel://";
    /** The values of {@code redis.mode}: {@code auto} lets the URI's scheme choose standalone or Sentinel. */
    static final List<String> MODES = List.of("auto", "standalone", "sentinel", "cluster");
    // The user-info part of a URI (scheme://user:password@...), which may hold a password.
    private static final Pattern USER_INFO = Pattern.compile("^([a-z-]+://)[^@/]*@");

    private final String text;
    private final Mode mode;
    private final RedisURI parsed;

    private RedisEndpoint(String text, Mode mode, RedisURI parsed) {
        this.text = text;
        this.mode = mode;
        this.parsed = parsed;
    }

    /** Reads a non-empty {@code redis.uri} in the mode its scheme chooses ({@code redis.mode=auto}). */
    static RedisEndpoint parse(String uri) {
        return parse(uri, "auto");
    }

    /**
     * Reads a non-empty {@code redis.uri} for {@code redis.mode} {@code modeSetting} (one of {@link #MODES}).
     *
     * @throws IllegalArgumentException with a message that completes "redis.uri ..." and never repeats the URI
     */
    static RedisEndpoint parse(String uri, String modeSetting) {
        String scheme = uri.contains("://") ? uri.substring(0, uri.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        Mode byScheme = switch (scheme) {
            case "redis", "rediss" -> Mode.STANDALONE;
            case "redis-sentinel", "rediss-sentinel" -> Mode.SENTINEL;
            default -> throw new IllegalArgumentException("must be empty or start with " + FORMS);
        };
        Mode mode = switch (modeSetting) {
            case "cluster" -> {
                if (byScheme == Mode.SENTINEL) {
                    throw new IllegalArgumentException("must start with redis:// or rediss:// and list seed nodes "
                            + "(redis://host1:6379,host2:6379) with redis.mode=cluster");
                }
                yield Mode.CLUSTER;
            }
            case "standalone", "sentinel" -> {
                Mode wanted = Mode.valueOf(modeSetting.toUpperCase(Locale.ROOT));
                if (wanted != byScheme) {
                    throw new IllegalArgumentException(wanted == Mode.SENTINEL
                            ? "must start with redis-sentinel:// or rediss-sentinel:// with redis.mode=sentinel"
                            : "must start with redis:// or rediss:// with redis.mode=standalone");
                }
                yield wanted;
            }
            default -> byScheme;
        };
        if (mode == Mode.CLUSTER) {
            return cluster(uri);
        }
        if (mode == Mode.SENTINEL && (uri.indexOf('#') < 0 || uri.endsWith("#"))) {
            throw new IllegalArgumentException("must name the master after #, as in "
                    + "redis-sentinel://sentinel1:26379,sentinel2:26379#mymaster");
        }
        RedisURI parsed;
        try {
            parsed = RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not a valid Redis URI (" + why(e) + ")");
        }
        if (mode == Mode.SENTINEL && parsed.getSentinels().isEmpty()) {
            throw new IllegalArgumentException("must name at least one sentinel as host:port");
        }
        if (mode == Mode.STANDALONE && hosts(uri, scheme).contains(",")) {
            throw new IllegalArgumentException("names several hosts: that is a Redis Cluster's seed list, "
                    + "which needs redis.mode=cluster");
        }
        return new RedisEndpoint(uri, mode, parsed);
    }

    /** The host part of the URI's authority: after the user-info, before the path, query or fragment. */
    private static String hosts(String uri, String scheme) {
        String rest = uri.substring(scheme.length() + 3);
        int end = rest.length();
        for (char stop : new char[] {'/', '?', '#'}) {
            int at = rest.indexOf(stop);
            end = at < 0 ? end : Math.min(end, at);
        }
        String authority = rest.substring(0, end);
        return authority.substring(authority.lastIndexOf('@') + 1);
    }

    /** Seed nodes of a Redis Cluster: {@code redis[s]://[user:password@]host:port[,host:port...]}, database 0. */
    private static RedisEndpoint cluster(String uri) {
        List<RedisURI> seeds;
        try {
            seeds = RedisClusterURIUtil.toRedisURIs(URI.create(uri));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not a valid Redis URI (" + why(e) + ")");
        }
        if (seeds.isEmpty() || seeds.stream().anyMatch(seed -> seed.getHost() == null || seed.getHost().isEmpty())) {
            throw new IllegalArgumentException("must list at least one seed node as host:port");
        }
        String path = URI.create(uri).getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/") && !path.equals("/0")
                || seeds.stream().anyMatch(seed -> seed.getDatabase() != 0)) {
            throw new IllegalArgumentException("must not choose a database: a Redis Cluster has only database 0");
        }
        return new RedisEndpoint(uri, Mode.CLUSTER, seeds.get(0));
    }

    Mode mode() {
        return mode;
    }

    /** Whether the URI asks for TLS ({@code rediss://} or {@code rediss-sentinel://}). */
    boolean tls() {
        return parsed.isSsl();
    }

    /** A fresh Lettuce URI for these settings (Lettuce's URIs are mutable); in cluster mode, the first seed. */
    RedisURI lettuceUri() {
        return mode == Mode.CLUSTER ? seeds().get(0) : RedisURI.create(text);
    }

    /** Fresh Lettuce URIs of a Redis Cluster's seed nodes (in cluster mode; else the one URI). */
    List<RedisURI> seeds() {
        return mode == Mode.CLUSTER ? RedisClusterURIUtil.toRedisURIs(URI.create(text)) : List.of(lettuceUri());
    }

    /** A fresh Lettuce URI of one node of the cluster, with the seeds' credentials and TLS settings. */
    RedisURI node(String host, int port) {
        return RedisURI.builder(seeds().get(0)).withHost(host).withPort(port).build();
    }

    /**
     * For logs: {@code host:port} of a standalone Redis, or the master's name and its sentinels; never the
     * password.
     */
    String describe() {
        if (mode == Mode.STANDALONE) {
            return parsed.getHost() + ":" + parsed.getPort();
        }
        if (mode == Mode.CLUSTER) {
            return "the Redis Cluster seeded by " + seeds().stream().map(seed -> seed.getHost() + ":" + seed.getPort())
                    .collect(Collectors.joining(","));
        }
        return "master '" + parsed.getSentinelMasterId() + "' of the sentinels at " + sentinels();
    }

    /** {@code host:port,host:port} of the sentinels. */
    String sentinels() {
        return parsed.getSentinels().stream().map(sentinel -> sentinel.getHost() + ":" + sentinel.getPort())
                .collect(Collectors.joining(","));
    }

    /** The sentinels' name of the master ({@code #name}), or {@code null} for a standalone Redis. */
    String masterName() {
        return parsed.getSentinelMasterId();
    }

    /**
     * For logs, where one connection landed: {@code host:port}, and in Sentinel mode that it is the master the
     * sentinels named.
     */
    String describe(SocketAddress connectedTo) {
        String address = connectedTo instanceof InetSocketAddress inet
                ? inet.getHostString() + ":" + inet.getPort() : String.valueOf(connectedTo);
        return mode != Mode.SENTINEL ? address
                : address + " (master '" + parsed.getSentinelMasterId() + "', named by the sentinels)";
    }

    /** The URI with its user-info part (which may hold a password) replaced by {@code <redacted>}. */
    static String redact(String uri) {
        return USER_INFO.matcher(uri).replaceFirst("$1<redacted>@");
    }

    @Override
    public String toString() {
        return redact(text);
    }

    /** Lettuce's reason, unless it comes from java.net.URI, whose messages quote the whole input. */
    private static String why(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof URISyntaxException) {
                return "a character that must be percent-encoded, or a malformed host or port";
            }
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
