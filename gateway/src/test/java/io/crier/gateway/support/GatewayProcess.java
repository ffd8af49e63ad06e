package io.crier.gateway.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway node as a separate operating-system process, for the tests that kill nodes the way production
 * loses them ({@code kill -9}): it runs {@code java -jar crier-gateway.jar} (the shaded jar, built in the
 * {@code package} phase; its path comes from the system property {@value #JAR_PROPERTY} that Failsafe sets),
 * configured by {@code CRIER_*} environment variables and an optional properties file, with Netty's leak
 * detector at paranoid. The first start binds port 0 and reads the bound port from the node's
 * {@code listening on http://host:port} line; {@link #restart()} binds that same port again. Standard output
 * and error go to a log under {@code target/gateway-processes/}; {@link #close()} copies any {@code LEAK:} line
 * from it to this JVM's standard error, where the test script finds it.
 *
 * <p>Use it with try-with-resources; a JVM shutdown hook kills a node a failed test left behind. Thread-safe.
 */
public final class GatewayProcess implements AutoCloseable {

    /** The system property holding the path of {@code crier-gateway.jar}. */
    public static final String JAR_PROPERTY = "crier.gateway.jar";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("listening on http://([^ ]+):(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Map<String, String> env;
    private final Path configFile;
    private final Path log;
    private final Thread shutdownHook;
    private final boolean awaitReady;
    private Process process;
    /** Read without the lock: launch() holds it while Awaitility's thread polls /readyz on this port. */
    private volatile int port;

    private GatewayProcess(String name, Map<String, String> env, Path configFile, Path log, boolean awaitReady) {
        this.name = name;
        this.env = Map.copyOf(env);
        this.configFile = configFile;
        this.log = log;
        this.awaitReady = awaitReady;
        this.shutdownHook = new Thread(this::destroyForcibly, "gateway-" + name + "-killer");
    }

    /** What a run of the jar that ends by itself printed (standard output and error together), and its status. */
    public record Run(int status, String output) {
    }

    /**
     * Runs {@code java -jar crier-gateway.jar args...} with only {@code env}'s {@code CRIER_*} variables and waits
     * for it to exit by itself (a bad command line or configuration, {@code --help}), at most the start timeout.
     */
    public static Run runToExit(List<String> args, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(javaCommand(), "-jar", jar().toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("CRIER_"));
        builder.environment().putAll(env);
        Process run = builder.start();
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
            try {
                return run.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!run.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            run.destroyForcibly();
            throw new IllegalStateException("java -jar " + args + " did not exit within " + START_TIMEOUT);
        }
        return new Run(run.exitValue(), new String(output.join(), StandardCharsets.UTF_8));
    }

    /** Starts building a node named {@code name} (its {@code node.id}, and the name of its log). */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** The port of the node's plain listener. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** {@code ws://127.0.0.1:PORT/ws}. */
    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + port() + "/ws");
    }

    /** The node's {@code node.id}. */
    public String name() {
        return name;
    }

    /** The PID of the running process. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return process.pid();
    }

    /** Whether the process runs. */
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The file that holds the node's standard output and error, across restarts. */
    public Path log() {
        return log;
    }

    /** Kills the node with SIGKILL, as a crash would, and waits until the process is gone. */
    public synchronized void kill9() {
        destroyForcibly();
    }

    /**
     * Stops the node with SIGTERM (it drains first: keep {@code drain.window} short) and waits until it has
     * exited; returns its exit status, 143 (128 + SIGTERM) when the JVM ran its shutdown hooks and exited.
     */
    public synchronized int terminate() {
        if (process == null) {
            throw new IllegalStateException(name + " is not running");
        }
        Process stopping = process;
        stopping.destroy();
        if (!waitFor(stopping, STOP_TIMEOUT)) {
            destroyForcibly();
            throw new IllegalStateException(name + " did not exit within " + STOP_TIMEOUT + " of SIGTERM");
        }
        process = null;
        return stopping.exitValue();
    }

    /** Starts the node again (killing it first if it runs) on the same port, and waits until it is ready. */
    public synchronized void restart() {
        destroyForcibly();
        launch(port);
    }

    /** Every {@code LEAK:} line the node's log holds so far (Netty's leak detector reports there). */
    public List<String> leakReports() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains("LEAK:")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the node if it still runs, and reports its leaks on standard error. Idempotent. */
    @Override
    public synchronized void close() {
        destroyForcibly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: its hook finds nothing left to kill.
            System.err.println(name + " closed during JVM shutdown: " + e);
        }
        // The test script greps the build output for LEAK: and fails the run on it.
        leakReports().forEach(line -> System.err.println("[" + name + "] " + line));
    }

    @Override
    public String toString() {
        return "gateway " + name + (port == 0 ? "" : " on " + baseUrl());
    }

    private synchronized void launch(int wantedPort) {
        List<String> command = new ArrayList<>(List.of(javaCommand(), "-Dio.netty.leakDetection.level=paranoid",
                "-Dio.netty.leakDetection.targetRecords=8", "-Dio.lettuce.core.iouring=false", "-Xmx256m",
                "-jar", jar().toString()));
        if (configFile != null) {
            command.addAll(List.of("--config", configFile.toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // The node refuses unknown CRIER_* variables: it sees only the ones given here.
        builder.environment().keySet().removeIf(key -> key.startsWith("CRIER_"));
        builder.environment().putAll(env);
        builder.environment().put("CRIER_NODE_ID", name);
        builder.environment().put("CRIER_SERVER_PORT", Integer.toString(wantedPort));
        long logStart = size(log);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
        Process started = process;
        port = await(name + " prints its port").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50))
                .until(() -> boundPort(started, logStart), p -> p > 0);
        if (awaitReady) {
            await(name + " answers /readyz with 200").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .until(() -> ready(started));
        }
    }

    /** The port from the node's startup line after {@code logStart}, or 0 while it has not printed it. */
    private int boundPort(Process started, long logStart) throws IOException {
        byte[] bytes = Files.readAllBytes(log);
        int from = (int) Math.min(logStart, bytes.length);
        String since = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        Matcher matcher = LISTENING.matcher(since);
        if (matcher.find()) {
            return Integer.parseInt(matcher.group(2));
        }
        if (!started.isAlive()) {
            throw new IllegalStateException(name + " exited with " + started.exitValue() + "; log:\n" + since);
        }
        return 0;
    }

    private boolean ready(Process started) throws InterruptedException {
        if (!started.isAlive()) {
            throw new IllegalStateException(name + " exited with " + started.exitValue() + "; see " + log);
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/readyz"))
                    .timeout(Duration.ofSeconds(2)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            // Not accepting yet: polled again.
            return false;
        }
    }

    private synchronized void destroyForcibly() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!waitFor(process, STOP_TIMEOUT)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") did not die after SIGKILL");
        }
        process = null;
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code java} of this JVM, so that the node runs on the same JDK as the tests. */
    static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, "target/crier-gateway.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": the shaded jar is built in the package phase; run the "
                    + "integration tests with 'mvn verify' (Failsafe sets -D" + JAR_PROPERTY + ")");
        }
        return jar;
    }

    /** Configures and starts a {@link GatewayProcess}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Properties properties = new Properties();

        private Builder(String name) {
            if (!name.matches("[A-Za-z0-9_.-]{1,40}")) {
                throw new IllegalArgumentException("a node name is 1 to 40 characters of A-Z a-z 0-9 _ . -");
            }
            this.name = name;
        }

        /** Sets a {@code CRIER_*} environment variable, for example {@code CRIER_REDIS_URI}. */
        public Builder env(String key, String value) {
            if (!key.startsWith("CRIER_")) {
                throw new IllegalArgumentException("only CRIER_* variables configure a node: " + key);
            }
            env.put(key, value);
            return this;
        }

        /** Sets a key of the config file, for the file-only ones such as {@code namespace.chat.historySize}. */
        public Builder property(String key, String value) {
            properties.setProperty(key, value);
            return this;
        }

        /** Starts the node on a free port and returns once {@code /readyz} answers 200. */
        public GatewayProcess start() {
            return start(true);
        }

        /**
         * Starts the node on a free port and returns once it has printed the port it listens on, ready or not (a
         * node whose Redis is away listens, and answers {@code /readyz} with 503).
         */
        public GatewayProcess startListening() {
            return start(false);
        }

        private GatewayProcess start(boolean awaitReady) {
            Path dir = Path.of(System.getProperty(JAR_PROPERTY, "target/crier-gateway.jar")).toAbsolutePath()
                    .getParent().resolve("gateway-processes");
            try {
                Files.createDirectories(dir);
                Path log = Files.createTempFile(dir, name + "-", ".log");
                Path config = properties.isEmpty() ? null : Files.createTempFile(dir, name + "-", ".properties");
                if (config != null) {
                    try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                        properties.store(out, "written by GatewayProcess for " + name);
                    }
                }
                GatewayProcess node = new GatewayProcess(name, env, config, log, awaitReady);
                Runtime.getRuntime().addShutdownHook(node.shutdownHook);
                try {
                    node.launch(0);
                } catch (RuntimeException e) {
                    node.close();
                    throw e;
                }
                return node;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
