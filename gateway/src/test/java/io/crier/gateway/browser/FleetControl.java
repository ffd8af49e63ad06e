package io.crier.gateway.browser;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.GatewayProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The browser tests' handle on the fleet: an HTTP server on loopback that plays the application backend's
 * token endpoint for the pages ({@code GET /token?user=U&ttl=S}, with CORS, as the demo's {@code tokenUrl}; with
 * {@code &stale=1} it hands out a token that expired ten minutes ago, as a stale cache would after a sleep) and
 * acts on a gateway node when a JavaScript test asks, answering 204 once it is done: {@code POST /nodes/ID/freeze}
 * (SIGSTOP), {@code kill} (SIGKILL), {@code drain} (the node's {@code POST /admin/drain} with the admin key; the
 * node then exits by itself) and {@code restart} (waits for a drained node to exit, kills any other, and starts
 * it again on its port: the fleet is whole again for later tests). So the JavaScript side decides when, and this
 * side acts by PID on the processes it started. Requests are served on a small bounded pool; thread-safe.
 */
final class FleetControl implements AutoCloseable {

    /** What every minted token may do: the demo's chat and ticker namespaces, and publish to the chat. */
    static final List<String> SUBSCRIBE = List.of("chat:*", "ticker:*");
    static final List<String> PUBLISH = List.of("chat:*");

    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern NODE_ACTION =
            Pattern.compile("/nodes/([A-Za-z0-9_.-]{1,40})/(freeze|kill|drain|restart)");
    private static final int MAX_TTL_SECONDS = 86_400;
    /** The lifetime of a stale token: expired long before now, far past any clock leeway. */
    private static final Duration STALE = Duration.ofMinutes(-10);
    private static final Duration FREEZE_TIMEOUT = Duration.ofSeconds(5);
    /** How long a drained node may take to exit: readiness delay plus window plus the last close handshakes. */
    private static final Duration DRAIN_EXIT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);

    private final HttpServer server;
    private final ExecutorService pool;
    private final byte[] secret;
    private final Map<String, GatewayProcess> nodes;
    private final String adminKey;
    private final HttpClient admin = HttpClient.newBuilder().connectTimeout(ADMIN_TIMEOUT).build();
    /** Names of the nodes drained and not restarted since: a restart waits for them to exit by themselves. */
    private final Set<String> drained = ConcurrentHashMap.newKeySet();

    private FleetControl(HttpServer server, ExecutorService pool, byte[] secret, Map<String, GatewayProcess> nodes,
                         String adminKey) {
        this.server = server;
        this.pool = pool;
        this.secret = secret.clone();
        this.nodes = Map.copyOf(nodes);
        this.adminKey = adminKey;
    }

    /**
     * Serves on a free loopback port; tokens are signed with {@code secret}, nodes are found by their id and
     * drained through their admin API with {@code adminKey}.
     */
    static FleetControl start(byte[] secret, String adminKey, List<GatewayProcess> nodes) {
        Map<String, GatewayProcess> byId = new HashMap<>();
        nodes.forEach(node -> byId.put(node.name(), node));
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            FleetControl control = new FleetControl(server, pool, secret, byId, adminKey);
            server.createContext("/token", control::token);
            server.createContext("/nodes/", control::nodeAction);
            server.setExecutor(pool);
            server.start();
            return control;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String user = query.getOrDefault("user", "");
        int ttl = parseTtl(query.getOrDefault("ttl", "3600"));
        exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
        if (!"GET".equals(exchange.getRequestMethod()) || !USER.matcher(user).matches() || ttl < 1) {
            answer(exchange, 400, "{\"error\":\"GET /token?user=[A-Za-z0-9_.-]{1,64}&ttl=1.." + MAX_TTL_SECONDS + "\"}");
            return;
        }
        Duration lifetime = "1".equals(query.get("stale")) ? STALE : Duration.ofSeconds(ttl);
        String token = TestTokens.hs256(secret, user, SUBSCRIBE, PUBLISH, lifetime);
        answer(exchange, 200, "{\"token\":\"" + token + "\"}");
    }

    private void nodeAction(HttpExchange exchange) throws IOException {
        Matcher matcher = NODE_ACTION.matcher(exchange.getRequestURI().getPath());
        GatewayProcess node = matcher.matches() ? nodes.get(matcher.group(1)) : null;
        if (!"POST".equals(exchange.getRequestMethod()) || node == null) {
            answer(exchange, 404, "{\"error\":\"POST /nodes/<one of " + nodes.keySet()
                    + ">/freeze|kill|drain|restart\"}");
            return;
        }
        try {
            act(matcher.group(2), node);
            System.out.println("[control] " + matcher.group(2) + " " + node.name() + ": done");
            answer(exchange, 204, "");
        } catch (RuntimeException e) {
            // Reaches the JavaScript test's assertion message; the node's own log has the rest.
            answer(exchange, 500, "{\"error\":\"" + String.valueOf(e).replace('"', '\'') + "\"}");
        }
    }

    private void act(String action, GatewayProcess node) {
        switch (action) {
            case "freeze" -> freeze(node);
            case "kill" -> node.kill9();
            case "drain" -> drain(node);
            case "restart" -> restart(node);
            default -> throw new IllegalArgumentException(action);
        }
    }

    /** Starts the node's drain through its admin API; returns once the node accepted it (202). */
    private void drain(GatewayProcess node) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/admin/drain"))
                .header("Authorization", "Bearer " + adminKey).timeout(ADMIN_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            int status = admin.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 202) {
                throw new IllegalStateException("POST /admin/drain of " + node.name() + " answered " + status);
            }
            drained.add(node.name());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts the node again on its port and returns once it is ready. A drained node must first have exited by
     * itself (the end of its drain): it is not killed mid-drain. Any other node is killed first if it runs.
     */
    private void restart(GatewayProcess node) {
        if (drained.contains(node.name())) {
            await(node.name() + " exits at the end of its drain").atMost(DRAIN_EXIT_TIMEOUT)
                    .pollInterval(Duration.ofMillis(50)).until(() -> !node.isAlive());
        }
        node.restart();
        drained.remove(node.name());
    }

    /** Sends SIGSTOP and returns once every thread of the node is stopped: from then on it delivers nothing. */
    private static void freeze(GatewayProcess node) {
        long pid = node.pid();
        try {
            Process kill = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(FREEZE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -STOP " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        await(node.name() + " stopped").atMost(FREEZE_TIMEOUT).pollInterval(Duration.ofMillis(10))
                .until(() -> everyThreadStopped(pid));
    }

    /** Whether /proc shows every thread of {@code pid} in state T (stopped by a signal). */
    private static boolean everyThreadStopped(long pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.allMatch(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                    // The state follows the command name, which is in parentheses and may hold spaces.
                    return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
                } catch (IOException e) {
                    // A thread that ended between the listing and the read does not deliver anything either.
                    return true;
                }
            });
        }
    }

    private static int parseTtl(String text) {
        return text.matches("\\d{1,6}") && Integer.parseInt(text) <= MAX_TTL_SECONDS ? Integer.parseInt(text) : -1;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&", 20)) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        if (status == 204) {
            exchange.sendResponseHeaders(204, -1);
        } else {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }
}
