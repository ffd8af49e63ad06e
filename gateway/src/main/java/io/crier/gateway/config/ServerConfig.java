package io.crier.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The plain (non-TLS) listening socket and the HTTP side of the node. The constructor validates and
 * reports every bad field by key. Immutable and thread-safe.
 *
 * @param host              {@code server.host}: the address to bind (default {@code 127.0.0.1})
 * @param port              {@code server.port}: the port to bind, 0 for any free port (default 8080)
 * @param wsPath            {@code server.wsPath}: the WebSocket endpoint (default {@code /ws}); starts
 *                          with {@code /}
 * @param transport         {@code server.transport}: {@code auto} (epoll), {@code epoll}, {@code io_uring} or
 *                          {@code nio}
 * @param maxHandshakeBytes {@code server.maxHandshakeBytes}: largest HTTP request head and body;
 *                          1024..1048576
 * @param plainEnabled      {@code server.plainEnabled}: whether plain ws/http is served on {@code port}
 *                          (for example behind a TLS-terminating load balancer); {@code false} leaves only
 *                          the TLS listener ({@link TlsConfig})
 * @param allowedOrigins    {@code server.allowedOrigins}: the {@code Origin} values allowed to upgrade, as
 *                          full origins ({@code https://app.example.com}, {@code http://localhost:3000});
 *                          empty allows only same-origin browser upgrades (the Origin's host:port equals the
 *                          {@code Host} header) and clients that send no Origin; {@code *} allows any origin
 * @param handshakeTimeout  {@code server.handshakeTimeout}: the longest time from TCP accept to a completed
 *                          upgrade (a slowloris guard); 1s..5m
 * @param closeLinger       {@code server.closeLinger}: when the node closes a connection, how long at most it
 *                          keeps reading and discarding what the client still sends after shutting its own side
 *                          down, so that the client sees the close instead of a reset; 0 (close at once)..30s
 * @param proxyProtocol     {@code server.proxyProtocol}: a connection to any listener of the node from a load
 *                          balancer in {@code trustedProxies} may start with a PROXY protocol header (v1 or v2),
 *                          whose client address then counts for the per-IP limit and the connection log
 * @param trustedProxies    {@code server.trustedProxies}: the load balancers' addresses or CIDR ranges
 *                          ({@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code fd00::/8}); a PROXY header from any
 *                          other address closes the connection at once; required when {@code proxyProtocol} is on
 */
public record ServerConfig(
        String host,
        int port,
        String wsPath,
        String transport,
        int maxHandshakeBytes,
        boolean plainEnabled,
        List<String> allowedOrigins,
        Duration handshakeTimeout,
        Duration closeLinger,
        boolean proxyProtocol,
        List<String> trustedProxies) {

    /** The accepted values of {@code transport}. */
    public static final Set<String> TRANSPORTS = Set.of("auto", "epoll", "io_uring", "nio");
    /** The {@code allowedOrigins} entry that allows every origin. */
    public static final String ANY_ORIGIN = "*";

    /** @throws InvalidConfigException listing every bad field */
    public ServerConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.notBlank("server.host", host);
        problems.range("server.port", port, 0, 65535);
        problems.check(wsPath != null && wsPath.startsWith("/") && wsPath.length() <= 256
                        && wsPath.chars().noneMatch(c -> c <= ' ' || c == '?' || c == '#'),
                "server.wsPath", "must be a path starting with /, got " + wsPath);
        problems.check(transport != null && TRANSPORTS.contains(transport), "server.transport",
                "must be auto, epoll, io_uring or nio, got " + transport);
        problems.range("server.maxHandshakeBytes", maxHandshakeBytes, 1024, 1024 * 1024);
        problems.notNull("server.allowedOrigins", allowedOrigins);
        if (allowedOrigins != null) {
            allowedOrigins = List.copyOf(allowedOrigins);
            allowedOrigins.stream().filter(origin -> !isOriginEntry(origin)).forEach(origin ->
                    problems.add("server.allowedOrigins", "must list * or origins like https://app.example.com"
                            + " (scheme://host[:port], no path), got " + origin));
        }
        problems.range("server.handshakeTimeout", handshakeTimeout, Duration.ofSeconds(1), Duration.ofMinutes(5));
        problems.range("server.closeLinger", closeLinger, Duration.ZERO, Duration.ofSeconds(30));
        problems.notNull("server.trustedProxies", trustedProxies);
        if (trustedProxies != null) {
            trustedProxies = List.copyOf(trustedProxies);
            trustedProxies.stream().filter(entry -> AddressRange.parse(entry).isEmpty()).forEach(entry ->
                    problems.add("server.trustedProxies", "must list IP addresses or CIDR ranges (10.0.0.0/8), got "
                            + entry));
            problems.check(!proxyProtocol || !trustedProxies.isEmpty(), "server.trustedProxies",
                    "must list the load balancers' addresses when server.proxyProtocol is true");
        }
        problems.throwIfAny();
    }

    /** Whether {@code allowedOrigins} contains {@code *}, so that every origin may upgrade. */
    public boolean anyOriginAllowed() {
        return allowedOrigins.contains(ANY_ORIGIN);
    }

    /** {@code trustedProxies} as address ranges. */
    public List<AddressRange> trustedProxyRanges() {
        return trustedProxies.stream().map(entry -> AddressRange.parse(entry).orElseThrow()).toList();
    }

    private static boolean isOriginEntry(String origin) {
        if (ANY_ORIGIN.equals(origin)) {
            return true;
        }
        try {
            URI uri = new URI(origin);
            String scheme = uri.getScheme();
            return scheme != null && (scheme.equals("http") || scheme.equals("https"))
                    && uri.getHost() != null && uri.getRawUserInfo() == null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            // Reported by the caller as a bad entry.
            return false;
        }
    }
}
