package io.crier.gateway.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy as a separate operating-system process ({@code haproxy -db -f deploy/haproxy/haproxy.cfg}), in front
 * of gateway nodes on loopback. The file is used as it stands: its addresses are {@code ${LB_*}} environment
 * variables (see its header), which this fixture sets to free ports ({@code LB_BIND}, {@code LB_STATS_BIND})
 * and to the nodes' ports ({@code LB_NODE1..N}); nothing else changes. The configuration is checked with
 * {@code haproxy -c} first. HAProxy's output (its access log) goes to a file under
 * {@code target/haproxy/}. {@link #close()} stops it with SIGTERM by PID (SIGKILL if it lingers).
 *
 * <p>Use it with try-with-resources; a JVM shutdown hook kills one a failed test left behind. Thread-safe.
 */
public final class HaproxyProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** {@code server NAME "${LB_NODEi-...}"} lines of the backend: the server name of node i. */
    private static final Pattern SERVER = Pattern.compile("(?m)^\\s*server\\s+(\\S+)\\s+\"\\$\\{LB_NODE(\\d+)-");
    private static final Pattern STATS_URI = Pattern.compile("(?m)^\\s*stats\\s+uri\\s+(\\S+)");
    private static final Pattern INTER = Pattern.compile("(?m)^\\s*default-server\\b.*\\binter\\s+(\\d+)(ms|s)?\\b");
    private static final Pattern FALL = Pattern.compile("(?m)^\\s*default-server\\b.*\\bfall\\s+(\\d+)\\b");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final int statsPort;
    private final String statsUri;
    private final List<String> servers;
    private final Path log;
    private final Thread shutdownHook;

    private HaproxyProcess(Process process, int port, int statsPort, String statsUri, List<String> servers,
                           Path log) {
        this.process = process;
        this.port = port;
        this.statsPort = statsPort;
        this.statsUri = statsUri;
        this.servers = List.copyOf(servers);
        this.log = log;
        this.shutdownHook = new Thread(process::destroyForcibly, "haproxy-" + process.pid() + "-killer");
    }

    /**
     * The {@code CRIER_*} variables of a node behind the shipped configuration, which sends a PROXY v2 header on
     * every connection: the PROXY protocol on, HAProxy (on loopback) trusted.
     */
    public static final Map<String, String> NODE_ENV = Map.of("CRIER_SERVER_PROXY_PROTOCOL", "true",
            "CRIER_SERVER_TRUSTED_PROXIES", "127.0.0.1");

    /** {@code deploy/haproxy/haproxy.cfg} of the checkout that holds the module under test. */
    public static Path shippedConfig() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path at = dir; at != null; at = at.getParent()) {
            Path cfg = at.resolve("deploy/haproxy/haproxy.cfg");
            if (Files.isRegularFile(cfg)) {
                return cfg;
            }
        }
        throw new IllegalStateException("no deploy/haproxy/haproxy.cfg above " + dir);
    }

    /**
     * How long the health checks of {@code cfg} take to mark a node that turned unready DOWN: the
     * {@code default-server} line's {@code inter} times {@code fall} (HAProxy's defaults, 2s and 3, when unset).
     */
    public static Duration checkDetectionTime(Path cfg) {
        String text = read(cfg);
        Matcher inter = INTER.matcher(text);
        Matcher fall = FALL.matcher(text);
        Duration interval = !inter.find() ? Duration.ofSeconds(2)
                : "ms".equals(inter.group(2)) || inter.group(2) == null
                ? Duration.ofMillis(Long.parseLong(inter.group(1)))
                : Duration.ofSeconds(Long.parseLong(inter.group(1)));
        return interval.multipliedBy(fall.find() ? Integer.parseInt(fall.group(1)) : 3);
    }

    /**
     * Starts HAProxy with {@code cfg} in front of the nodes listening on {@code nodePorts} (node i, from 0, is
     * {@code LB_NODE<i+1>}), and returns once its frontend and stats page accept connections.
     */
    public static HaproxyProcess start(Path cfg, List<Integer> nodePorts) {
        String text = read(cfg);
        Map<Integer, String> serverByNode = new HashMap<>();
        Matcher server = SERVER.matcher(text);
        while (server.find()) {
            serverByNode.put(Integer.parseInt(server.group(2)), server.group(1));
        }
        List<String> servers = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < nodePorts.size(); i++) {
            String name = serverByNode.get(i + 1);
            if (name == null) {
                throw new IllegalStateException(cfg + " has no server at ${LB_NODE" + (i + 1) + "}");
            }
            servers.add(name);
            env.put("LB_NODE" + (i + 1), "127.0.0.1:" + nodePorts.get(i));
        }
        Matcher stats = STATS_URI.matcher(text);
        if (!stats.find()) {
            throw new IllegalStateException(cfg + " has no 'stats uri'");
        }
        int port = freePort();
        int statsPort = freePort();
        env.put("LB_BIND", "127.0.0.1:" + port);
        env.put("LB_STATS_BIND", "127.0.0.1:" + statsPort);
        Path log = logFile();
        check(cfg, env, log);
        Process process = run(List.of("haproxy", "-db", "-f", cfg.toString()), env, log);
        HaproxyProcess haproxy = new HaproxyProcess(process, port, statsPort, stats.group(1), servers, log);
        Runtime.getRuntime().addShutdownHook(haproxy.shutdownHook);
        try {
            await("haproxy listens").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .until(() -> haproxy.accepts(port) && haproxy.accepts(statsPort));
            return haproxy;
        } catch (RuntimeException e) {
            haproxy.close();
            throw new IllegalStateException("haproxy did not start; see " + log, e);
        }
    }

    /** {@code ws://127.0.0.1:PORT/ws}, the frontend clients connect to. */
    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    /** The backend server name of node {@code index} (from 0), as the stats page shows it. */
    public String server(int index) {
        return servers.get(index);
    }

    /** The stats page's {@code status} of each backend server, for example {@code UP}, {@code DOWN 1/2}. */
    public Map<String, String> serverStatus() {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + statsPort + statsUri + ";csv")).timeout(Duration.ofSeconds(2)).build();
        String csv;
        try {
            csv = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String[] lines = csv.split("\n");
        List<String> header = List.of(lines[0].replaceFirst("^# ", "").split(","));
        int name = header.indexOf("svname");
        int status = header.indexOf("status");
        Map<String, String> byServer = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].split(",", -1);
            if (fields.length > status && servers.contains(fields[name])) {
                byServer.put(fields[name], fields[status]);
            }
        }
        return byServer;
    }

    /** Waits until HAProxy reports node {@code index} (from 0) as exactly {@code status} ({@code UP}, {@code DOWN}). */
    public void awaitStatus(int index, String status, Duration atMost) {
        String name = server(index);
        await(name + " " + status + " in haproxy").atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> status.equals(serverStatus().get(name)));
    }

    /** The file holding HAProxy's output (its access log and health-check transitions). */
    public Path log() {
        return log;
    }

    /** Stops HAProxy with SIGTERM by PID and waits until it has exited (SIGKILL if it does not). Idempotent. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook kills whatever is left.
            System.err.println("haproxy closed during JVM shutdown: " + e);
        }
    }

    @Override
    public String toString() {
        return "haproxy (pid " + process.pid() + ") on 127.0.0.1:" + port;
    }

    private boolean accepts(int port) {
        if (!process.isAlive()) {
            throw new IllegalStateException("haproxy exited with " + process.exitValue() + "; see " + log);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            // Not listening yet: polled again.
            return false;
        }
    }

    /** {@code haproxy -c}: fails with HAProxy's own message when the configuration does not load. */
    private static void check(Path cfg, Map<String, String> env, Path log) {
        Process check = run(List.of("haproxy", "-c", "-f", cfg.toString()), env, log);
        try {
            if (!check.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || check.exitValue() != 0) {
                check.destroyForcibly();
                throw new IllegalStateException("haproxy -c -f " + cfg + " failed:\n" + read(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            check.destroyForcibly();
            throw new IllegalStateException(e);
        }
    }

    private static Process run(List<String> command, Map<String, String> env, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("LB_"));
        builder.environment().putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command + " (is haproxy installed? deploy/bin/test "
                    + "installs it)", e);
        }
    }

    private static Path logFile() {
        Path dir = Path.of(System.getProperty(GatewayProcess.JAR_PROPERTY, "target/crier-gateway.jar"))
                .toAbsolutePath().getParent().resolve("haproxy");
        try {
            Files.createDirectories(dir);
            return Files.createTempFile(dir, "haproxy-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
