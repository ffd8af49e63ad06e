package io.crier.gateway.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo backend ({@code deploy/demo/DemoBackend.java}, the real file the README's demo runs) as a child process:
 * {@code java DemoBackend.java --port 0 --node URL} on this JVM's {@code java}, a free port read from the line it
 * prints once it listens. Its output goes to a log file under {@code target/}. {@link #close()} stops it by its PID.
 * Thread-safe.
 */
public final class DemoBackendProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("demo backend listening on (http://127\\.0\\.0\\.1:\\d+)");
    /** Compiling the single-file program in memory takes a few seconds on a loaded machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final String baseUrl;
    private final Path log;

    private DemoBackendProcess(Process process, String baseUrl, Path log) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
    }

    /** The shipped {@code deploy/demo/DemoBackend.java} of this checkout. */
    public static Path source() {
        return HaproxyProcess.shippedConfig().getParent().getParent().resolve("demo/DemoBackend.java");
    }

    /**
     * Starts the backend, its sign-in redirecting to {@code nodeUrl}, with {@code secret} (at least 32 bytes) as
     * {@code DEMO_BACKEND_SECRET}, and returns once it listens.
     *
     * @throws IllegalStateException when it exits or does not listen within a minute
     */
    public static DemoBackendProcess start(String nodeUrl, String secret) {
        Path log = logFile();
        ProcessBuilder builder = new ProcessBuilder(List.of(GatewayProcess.javaCommand(), "-Xmx64m", source().toString(),
                "--port", "0", "--node", nodeUrl))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("DEMO_BACKEND_SECRET", secret);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the demo backend", e);
        }
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(process, log, listening), "demo-backend-output");
        pump.setDaemon(true);
        pump.start();
        try {
            return new DemoBackendProcess(process, listening.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS), log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the demo backend did not start; see " + log, e);
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The URL of {@code path} (such as {@code /crier/connect}). */
    public String url(String path) {
        return baseUrl + path;
    }

    /** Where its output goes. */
    public Path log() {
        return log;
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Copies the output to the log; completes {@code listening} with the base URL, or exceptionally at its end. */
    private static void pump(Process process, Path log, CompletableFuture<String> listening) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                out.write(line);
                out.newLine();
                out.flush();
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    listening.complete(matcher.group(1));
                }
            }
        } catch (IOException e) {
            listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IllegalStateException("the demo backend's output ended"));
    }

    private static Path logFile() {
        Path target = Path.of(System.getProperty(GatewayProcess.JAR_PROPERTY, "target/crier-gateway.jar"))
                .toAbsolutePath().getParent();
        try {
            Files.createDirectories(target.resolve("gateway-processes"));
            return Files.createTempFile(target.resolve("gateway-processes"), "demo-backend-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
