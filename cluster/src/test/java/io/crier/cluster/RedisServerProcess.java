package io.crier.cluster;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.File;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code redis-server} child process on a free port of 127.0.0.1, for tests: no persistence (or AOF,
 * see {@link #startWithAof()}; TLS, Sentinel mode and more configuration with {@link #start(RedisServerSetup)}),
 * its own temp dir (with its config file and {@code redis.log}), and ways to kill, stop and restart it on the same
 * port, and to act as a backend through {@code redis-cli}.
 *
 * <p>Use it with try-with-resources or close it in an {@code @AfterEach}/{@code @AfterAll}; a JVM shutdown
 * hook kills a server that a failed test left behind. Thread-safe.
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisServerProcess.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 3;

    private final int port;
    private final Path dir;
    private final RedisServerSetup setup;
    private final Thread shutdownHook;
    private Process process;

    private RedisServerProcess(int port, Path dir, RedisServerSetup setup) {
        this.port = port;
        this.dir = dir;
        this.setup = setup;
        this.shutdownHook = new Thread(this::destroyForcibly, "redis-server-" + port + "-killer");
    }

    /** Starts a server on a free port and returns once it answers PING; tries another port if one is taken. */
    public static RedisServerProcess start() {
        return start(RedisServerSetup.plain());
    }

    /**
     * Like {@link #start()}, but with AOF persistence ({@code appendonly yes}, {@code appendfsync always}):
     * every acknowledged write survives {@link #kill()} and comes back with {@link #restart()}.
     */
    public static RedisServerProcess startWithAof() {
        return start(RedisServerSetup.plain().withAof());
    }

    /**
     * Starts a server on {@code port}, one that a client was already told to use (a node started before its
     * Redis); fails if the port is taken.
     */
    public static RedisServerProcess startOn(int port) {
        return startOn(port, RedisServerSetup.plain());
    }

    /** Like {@link #start()}, set up as {@code setup} says. */
    public static RedisServerProcess start(RedisServerSetup setup) {
        IllegalStateException failure = new IllegalStateException("redis-server did not start");
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            try {
                return startOn(freePort(), setup);
            } catch (RuntimeException e) {
                // Another process may have taken the free port in the meantime: try another.
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    /** A server on {@code port}, up; cleaned up again if it does not start. */
    private static RedisServerProcess startOn(int port, RedisServerSetup setup) {
        RedisServerProcess server = new RedisServerProcess(port, createTempDir(), setup);
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            server.launch();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The URI a client connects to, {@code redis://127.0.0.1:PORT} ({@code rediss://} with TLS). */
    public String uri() {
        return (setup.tls() == null ? "redis://" : "rediss://") + "127.0.0.1:" + port;
    }

    /** The process id, while the server runs. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(this + " is not running");
        }
        return process.pid();
    }

    /** Whether the server process is running. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the server with SIGKILL, as a crash would, and waits until the process is gone. */
    public synchronized void kill() {
        destroyForcibly();
    }

    /** Stops the server with SIGTERM (falling back to SIGKILL) and waits until the process is gone. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!waitFor(process, STOP_TIMEOUT)) {
            destroyForcibly();
        }
        process = null;
    }

    /** Starts the server again on the same port (stopping it first if it runs) and waits until it is up. */
    public synchronized void restart() {
        stop();
        launch();
    }

    /**
     * Runs {@code redis-cli -p PORT args...} and returns its standard output without the trailing newline,
     * for example {@code cli("PUBLISH", "crier:news", "{\"data\":1}")} returns the receiver count, "1".
     * Fails if redis-cli exits with an error or takes longer than 10 s; an error reply is output, not a failure.
     */
    public String cli(String... args) {
        return runCli(List.of(args), new File("/dev/null"));
    }

    /**
     * Runs {@code commands} on one connection, in order, as lines typed at the redis-cli prompt, and returns the
     * replies, one a line: {@code cliSession("SET k v", "WAIT 1 1000")} returns "OK\n1" once a replica confirmed
     * the write ({@code WAIT} counts the acknowledgements of its own connection's writes, so it needs the same one).
     */
    public String cliSession(String... commands) {
        try {
            Path input = Files.createTempFile(dir, "cli-", ".in");
            Files.write(input, List.of(commands), StandardCharsets.UTF_8);
            String replies = runCli(List.of(), input.toFile());
            Files.delete(input);
            return replies;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String runCli(List<String> args, File input) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(setup.cliArguments());
        command.addAll(args);
        try {
            // Output goes to a file, not a pipe, so that a hanging redis-cli cannot outlive the timeout.
            Path output = Files.createTempFile(dir, "cli-", ".out");
            Process cli = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(input))
                    .start();
            if (!waitFor(cli, CLI_TIMEOUT)) {
                cli.destroyForcibly();
                throw new IllegalStateException("redis-cli timed out: " + command);
            }
            String text = Files.readString(output, StandardCharsets.UTF_8).stripTrailing();
            Files.delete(output);
            if (cli.exitValue() != 0) {
                throw new IllegalStateException("redis-cli failed (" + cli.exitValue() + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server and deletes its temp dir. Idempotent. */
    @Override
    public synchronized void close() {
        stop();
        deleteDir();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs anyway and finds nothing left to kill.
            log.debug("{} closed during JVM shutdown", this, e);
        }
    }

    @Override
    public String toString() {
        return "redis-server on " + uri();
    }

    private synchronized void launch() {
        // A config file rather than arguments: a sentinel needs one (it rewrites it), and a restart reads it again.
        Path config = dir.resolve(setup.sentinel() ? "sentinel.conf" : "redis.conf");
        List<String> command = setup.sentinel() ? List.of("redis-server", config.toString(), "--sentinel")
                : List.of("redis-server", config.toString());
        try {
            if (!setup.sentinel() || !Files.exists(config)) {
                Files.write(config, setup.file(port, dir.toString()), StandardCharsets.UTF_8);
            }
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run redis-server (is it installed?)", e);
        }
        Process started = process;
        await("redis-server on port " + port + " answers PING")
                .atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!started.isAlive()) {
                        throw new IllegalStateException("redis-server exited with " + started.exitValue()
                                + "; log: " + readLog());
                    }
                    return setup.tls() == null ? answersPing() : answersPingOverTls();
                });
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII);
            // A server whose default user needs a password is up too: it answers -NOAUTH.
            return "+PONG\r\n".equals(reply) || reply.startsWith("-NOAUTH");
        } catch (IOException e) {
            // Not listening yet (or loading): the caller polls again.
            return false;
        }
    }

    private boolean answersPingOverTls() {
        try {
            return cli("PING").equals("PONG");
        } catch (IllegalStateException e) {
            // Not listening yet: the caller polls again.
            return false;
        }
    }

    private synchronized void destroyForcibly() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!waitFor(process, STOP_TIMEOUT)) {
            throw new IllegalStateException("redis-server " + process.pid() + " did not die after SIGKILL");
        }
        process = null;
    }

    private String readLog() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log) : "(no redis.log)";
        } catch (IOException e) {
            return "(unreadable redis.log: " + e + ")";
        }
    }

    private void deleteDir() {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
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

    /** A port of 127.0.0.1 that no one listens on now. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("crier-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
