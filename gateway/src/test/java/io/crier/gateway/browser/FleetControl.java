package io.crier.gateway.browser;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.crier.gateway.GatewayProcess;
import io.crier.gateway.auth.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The browser tests' handle on the fleet: an HTTP server on loopback that plays the application backend's
 * token endpoint for the pages ({@code GET /token?user=U&ttl=S}, with CORS, as the demo's {@code tokenUrl}) and
 * freezes ({@code POST /nodes/ID/freeze}, SIGSTOP) or kills ({@code POST /nodes/ID/kill}, SIGKILL) a gateway node
 * when a JavaScript test asks, answering 204 once it is done. So the JavaScript side decides when, and this side
 * acts by PID on the processes it started. Requests are served on a small bounded pool; thread-safe.
 */
final class FleetControl implements AutoCloseable {

    /** What every minted token may do: the demo's chat and ticker namespaces, and publish to the chat. */
    static final List<String> SUBSCRIBE = List.of("chat:*", "ticker:*");
    static final List<String> PUBLISH = List.of("chat:*");

    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern NODE_ACTION = Pattern.compile("/nodes/([A-Za-z0-9_.-]{1,40})/(freeze|kill)");
    private static final int MAX_TTL_SECONDS = 86_400;
    private static final Duration FREEZE_TIMEOUT = Duration.ofSeconds(5);

    private final HttpServer server;
    private final ExecutorService pool;
    private final byte[] secret;
    private final Map<String, GatewayProcess> nodes;

    private FleetControl(HttpServer server, ExecutorService pool, byte[] secret, Map<String, GatewayProcess> nodes) {
        this.server = server;
        this.pool = pool;
        this.secret = secret.clone();
        this.nodes = Map.copyOf(nodes);
    }

    /** Serves on a free loopback port; tokens are signed with {@code secret}, nodes are found by their id. */
    static FleetControl start(byte[] secret, List<GatewayProcess> nodes) {
        Map<String, GatewayProcess> byId = new HashMap<>();
        nodes.forEach(node -> byId.put(node.name(), node));
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            FleetControl control = new FleetControl(server, pool, secret, byId);
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
        String token = TestTokens.hs256(secret, user, SUBSCRIBE, PUBLISH, Duration.ofSeconds(ttl));
        answer(exchange, 200, "{\"token\":\"" + token + "\"}");
    }

    private void nodeAction(HttpExchange exchange) throws IOException {
        Matcher matcher = NODE_ACTION.matcher(exchange.getRequestURI().getPath());
        GatewayProcess node = matcher.matches() ? nodes.get(matcher.group(1)) : null;
        if (!"POST".equals(exchange.getRequestMethod()) || node == null) {
            answer(exchange, 404, "{\"error\":\"POST /nodes/<one of " + nodes.keySet() + ">/freeze|kill\"}");
            return;
        }
        try {
            if ("freeze".equals(matcher.group(2))) {
                freeze(node);
            } else {
                node.kill9();
            }
            System.out.println("[control] " + matcher.group(2) + " " + node.name() + ": done");
            answer(exchange, 204, "");
        } catch (RuntimeException e) {
            // Reaches the JavaScript test's assertion message; the node's own log has the rest.
            answer(exchange, 500, "{\"error\":\"" + String.valueOf(e).replace('"', '\'') + "\"}");
        }
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
