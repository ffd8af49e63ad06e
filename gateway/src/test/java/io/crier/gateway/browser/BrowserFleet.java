package io.crier.gateway.browser;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.HaproxyProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * What the browser tests run against: one {@code redis-server}, gateway nodes as separate processes (the shaded
 * jar) configured like a demo deployment (history, presence and join/leave on the {@code chat} namespace; history
 * and no client publishing on {@code ticker}; short token-expiry timers; an admin key and a short drain whose
 * {@code disconnect} pushes hint a reconnect delay of at most 3 s), and HAProxy with the shipped
 * {@code deploy/haproxy/haproxy.cfg} in front of them. {@link #close()} stops every process it started, by PID.
 * Thread-safe once started.
 */
final class BrowserFleet implements AutoCloseable {

    /** Redis channel prefix of the fleet; the backend ticker must use the same. */
    static final String PREFIX = "browser-it:";
    /** auth.expiryWarning and auth.expiryGrace, in seconds: short, so that a refresh happens within a test. */
    static final int EXPIRY_WARNING_SECONDS = 3;
    static final int EXPIRY_GRACE_SECONDS = 1;
    /** admin.key of every node: {@link FleetControl} drains a node through its admin API with it. */
    static final String ADMIN_KEY = "browser-it-admin-key-0123456789abcdef";
    /** drain.reconnectDelayMax in seconds: the upper bound of the reconnectDelayMs hint of a drained session. */
    static final int DRAIN_RECONNECT_DELAY_MAX_SECONDS = 3;
    /**
     * drain.readinessDelay and drain.window: out of rotation for as long as HAProxy needs to notice
     * (docs/operations.md, "Drain": 3 s with the shipped checks), then the few sessions of a test go at once.
     */
    static final String DRAIN_READINESS_DELAY = "3s";
    static final String DRAIN_WINDOW = "1s";
    /** The namespace options the demo needs (the page's footer lists the same). */
    static final Map<String, String> DEMO_NAMESPACES = Map.of(
            "namespace.chat.historySize", "100",
            "namespace.chat.presence", "full",
            "namespace.chat.joinLeave", "true",
            "namespace.ticker.historySize", "100",
            "namespace.ticker.clientPublish", "false");

    private static final Duration UP_TIMEOUT = Duration.ofSeconds(15);

    private final RedisServerProcess redis;
    private final List<GatewayProcess> nodes;
    private final HaproxyProcess haproxy;

    private BrowserFleet(RedisServerProcess redis, List<GatewayProcess> nodes, HaproxyProcess haproxy) {
        this.redis = redis;
        this.nodes = List.copyOf(nodes);
        this.haproxy = haproxy;
    }

    /** Starts Redis, {@code count} nodes side by side (named browser-1, ...) and HAProxy; returns once all are UP. */
    static BrowserFleet start(int count) {
        RedisServerProcess redis = RedisServerProcess.start();
        List<GatewayProcess> nodes = new ArrayList<>();
        try {
            List<CompletableFuture<GatewayProcess>> starting = IntStream.rangeClosed(1, count)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> node("browser-" + i, redis))).toList();
            // Wait for every start, so that after a failed one the others are in the list to be closed.
            CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).exceptionally(failure -> null).join();
            starting.stream().filter(f -> !f.isCompletedExceptionally()).map(CompletableFuture::join).forEach(nodes::add);
            starting.forEach(CompletableFuture::join);
            HaproxyProcess haproxy = HaproxyProcess.start(HaproxyProcess.shippedConfig(),
                    nodes.stream().map(GatewayProcess::port).toList());
            try {
                for (int i = 0; i < count; i++) {
                    haproxy.awaitStatus(i, "UP", UP_TIMEOUT);
                }
            } catch (RuntimeException e) {
                haproxy.close();
                throw e;
            }
            return new BrowserFleet(redis, nodes, haproxy);
        } catch (RuntimeException e) {
            nodes.forEach(GatewayProcess::close);
            redis.close();
            throw e;
        }
    }

    /** The secret the nodes verify tokens with. */
    static byte[] secret() {
        return TestTokens.secret();
    }

    RedisServerProcess redis() {
        return redis;
    }

    List<GatewayProcess> nodes() {
        return nodes;
    }

    /** {@code http://127.0.0.1:PORT}, HAProxy's frontend. */
    String baseUrl() {
        return "http://" + haproxy.wsUri().getAuthority();
    }

    /** Stops HAProxy, then every node (kill by PID; copies leak reports), then Redis. */
    @Override
    public void close() {
        try {
            haproxy.close();
        } finally {
            nodes.forEach(GatewayProcess::close);
            redis.close();
        }
    }

    private static GatewayProcess node(String name, RedisServerProcess redis) {
        GatewayProcess.Builder builder = GatewayProcess.named(name)
                .env("CRIER_REDIS_URI", redis.uri())
                .env("CRIER_REDIS_PREFIX", PREFIX)
                .env("CRIER_AUTH_HMAC_SECRET", new String(secret(), StandardCharsets.UTF_8))
                .env("CRIER_AUTH_EXPIRY_WARNING", EXPIRY_WARNING_SECONDS + "s")
                .env("CRIER_AUTH_EXPIRY_GRACE", EXPIRY_GRACE_SECONDS + "s")
                .env("CRIER_ADMIN_KEY", ADMIN_KEY)
                .env("CRIER_DRAIN_RECONNECT_DELAY_MAX", DRAIN_RECONNECT_DELAY_MAX_SECONDS + "s")
                .env("CRIER_DRAIN_READINESS_DELAY", DRAIN_READINESS_DELAY)
                .env("CRIER_DRAIN_WINDOW", DRAIN_WINDOW)
                // Chromium offers permessage-deflate: every browser test runs compressed, both ways, from 64 bytes.
                .env("CRIER_COMPRESSION_ENABLED", "true")
                .env("CRIER_COMPRESSION_MIN_BYTES", "64");
        HaproxyProcess.NODE_ENV.forEach(builder::env);
        DEMO_NAMESPACES.forEach(builder::property);
        return builder.start();
    }
}
