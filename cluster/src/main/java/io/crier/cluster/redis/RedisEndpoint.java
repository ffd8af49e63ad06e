package io.crier.cluster.redis;

import io.lettuce.core.RedisURI;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a node's Redis is, as {@code redis.uri} says it: the one place that knows the URI forms and the mode
 * each scheme chooses. {@code redis://} and {@code rediss://} (TLS) name one standalone Redis;
 * {@code redis-sentinel://} and {@code rediss-sentinel://} (TLS to the sentinels and to the master) name one or
 * more sentinels and, after {@code #}, the master they watch: every connection asks a sentinel for the master's
 * address when it (re)connects, so the node follows a failover. Credentials in the URI
 * ({@code [user:]password@}) are for the Redis data nodes; Lettuce's URI cannot carry any for the sentinels.
 * Messages about a bad URI never repeat it, since it may hold a password.
 *
 * <p>Immutable; {@link #lettuceUri()} hands out a fresh copy each time.
 */
final class RedisEndpoint {

    /** The mode a URI's scheme chooses. */
    enum Mode {
        STANDALONE, SENTINEL
    }

    static final String FORMS = "redis://, rediss://, redis-sentinel:// or rediss-sentinel://";
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

    /**
     * Reads a non-empty {@code redis.uri}.
     *
     * @throws IllegalArgumentException with a message that completes "redis.uri ..." and never repeats the URI
     */
    static RedisEndpoint parse(String uri) {
        String scheme = uri.contains("://") ? uri.substring(0, uri.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        Mode mode = switch (scheme) {
            case "redis", "rediss" -> Mode.STANDALONE;
            case "redis-sentinel", "rediss-sentinel" -> Mode.SENTINEL;
            default -> throw new IllegalArgumentException("must be empty or start with " + FORMS);
        };
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
        return new RedisEndpoint(uri, mode, parsed);
    }

    Mode mode() {
        return mode;
    }

    /** Whether the URI asks for TLS ({@code rediss://} or {@code rediss-sentinel://}). */
    boolean tls() {
        return parsed.isSsl();
    }

    /** A fresh Lettuce URI for these settings (Lettuce's URIs are mutable). */
    RedisURI lettuceUri() {
        return RedisURI.create(text);
    }

    /**
     * For logs: {@code host:port} of a standalone Redis, or the master's name and its sentinels; never the
     * password.
     */
    String describe() {
        if (mode == Mode.STANDALONE) {
            return parsed.getHost() + ":" + parsed.getPort();
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
        return mode == Mode.STANDALONE ? address
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
