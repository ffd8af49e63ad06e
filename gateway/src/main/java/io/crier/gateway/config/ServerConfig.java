package io.crier.gateway.config;

import java.time.Duration;

/**
 * The listening socket and HTTP side of the node.
 *
 * @param host              {@code server.host}: the address to bind (default {@code 127.0.0.1})
 * @param port              {@code server.port}: the port to bind, 0 for any free port (default 8080)
 * @param wsPath            {@code server.wsPath}: the WebSocket endpoint (default {@code /ws})
 * @param transport         {@code server.transport}: {@code auto}, {@code epoll} or {@code nio}
 * @param maxHandshakeBytes {@code server.maxHandshakeBytes}: largest HTTP request head and body
 * @param drainTimeout      {@code server.drainTimeout}: how long a graceful stop may take in all
 */
public record ServerConfig(
        String host,
        int port,
        String wsPath,
        String transport,
        int maxHandshakeBytes,
        Duration drainTimeout) {
}
