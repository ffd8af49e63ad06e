package io.crier.gateway.config;

import java.time.Duration;
import java.util.Set;

/**
 * The listening socket and HTTP side of the node. The constructor validates and reports every bad field
 * by key.
 *
 * @param host              {@code server.host}: the address to bind (default {@code 127.0.0.1})
 * @param port              {@code server.port}: the port to bind, 0 for any free port (default 8080)
 * @param wsPath            {@code server.wsPath}: the WebSocket endpoint (default {@code /ws}); starts
 *                          with {@code /}
 * @param transport         {@code server.transport}: {@code auto}, {@code epoll} or {@code nio}
 * @param maxHandshakeBytes {@code server.maxHandshakeBytes}: largest HTTP request head and body;
 *                          1024..1048576
 * @param drainTimeout      {@code server.drainTimeout}: how long a graceful stop may take in all; 0..10m
 */
public record ServerConfig(
        String host,
        int port,
        String wsPath,
        String transport,
        int maxHandshakeBytes,
        Duration drainTimeout) {

    /** The accepted values of {@code transport}. */
    public static final Set<String> TRANSPORTS = Set.of("auto", "epoll", "nio");

    /** @throws InvalidConfigException listing every bad field */
    public ServerConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.notBlank("server.host", host);
        problems.range("server.port", port, 0, 65535);
        problems.check(wsPath != null && wsPath.startsWith("/") && wsPath.length() <= 256
                        && wsPath.chars().noneMatch(c -> c <= ' ' || c == '?' || c == '#'),
                "server.wsPath", "must be a path starting with /, got " + wsPath);
        problems.check(transport != null && TRANSPORTS.contains(transport), "server.transport",
                "must be auto, epoll or nio, got " + transport);
        problems.range("server.maxHandshakeBytes", maxHandshakeBytes, 1024, 1024 * 1024);
        problems.range("server.drainTimeout", drainTimeout, Duration.ZERO, Duration.ofMinutes(10));
        problems.throwIfAny();
    }
}
