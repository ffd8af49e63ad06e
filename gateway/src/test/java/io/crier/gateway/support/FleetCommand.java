package io.crier.gateway.support;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code deploy/bin/fleet} as a child process, run the way deploy/README.md shows it: {@code deploy/bin/fleet} from
 * the checkout's root with no arguments, its environment this JVM's with only {@code FLEET_PORT} set (any other
 * {@code FLEET_*}, {@code CRIER_*} and {@code LB_*} variable removed). {@link #start} returns once the command has
 * printed its block (the URL, each node's port and PID, Redis' and HAProxy's port and PID) and parses it. The
 * command's output (one stream) is read on a thread of its own and copied to a log under
 * {@code target/fleet-command/}. {@link #close()} stops a fleet a failed test left running: SIGTERM to the command
 * (its trap stops what it started), then SIGKILL to any printed PID still alive. Thread-safe once started.
 */
public final class FleetCommand implements AutoCloseable {

    /** One node as the command printed it. */
    public record Node(String id, int port, long pid) {
        public URI wsUri() {
            return URI.create("ws://127.0.0.1:" + port + "/ws");
        }
    }

    /** The block's last line: everything is up once it is printed. */
    static final String LAST_LINE = "Ctrl-C stops everything.";

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);
    private static final Pattern RUN = Pattern.compile("\\(logs in (\\S+)\\)$");
    private static final Pattern URL = Pattern.compile("^\\s*Open (http://127\\.0\\.0\\.1:\\d+/)$");
    private static final Pattern NODE = Pattern.compile("^\\s*(node-\\d+)\\s+port (\\d+)\\s+pid (\\d+)$");
    private static final Pattern REDIS = Pattern.compile("^\\s*Redis\\s+port (\\d+) \\(pid (\\d+)\\)");
    private static final Pattern HAPROXY = Pattern.compile("^\\s*HAProxy\\s+http://\\S+ \\(pid (\\d+)\\)$");

    private final Process process;
    private final Path log;
    /** Copies the command's output into {@link #lines} and the log, until the output ends. */
    private final Thread reader;
    private final List<String> lines = new ArrayList<>();
    private Path runFolder;
    private URI url;
    private final List<Node> nodes = new ArrayList<>();
    private int redisPort;
    private long redisPid;
    private long haproxyPid;

    private FleetCommand(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.reader = new Thread(this::copyOutput, "fleet-command-output");
        reader.setDaemon(true);
    }

    /** Runs {@code deploy/bin/fleet} with {@code FLEET_PORT=port}; returns once its block is printed. */
    public static FleetCommand start(int port, Duration timeout) {
        Path root = HaproxyProcess.shippedConfig().getParent().getParent().getParent();
        ProcessBuilder builder = new ProcessBuilder("deploy/bin/fleet").directory(root.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("FLEET_") || key.startsWith("CRIER_")
                || key.startsWith("LB_"));
        builder.environment().put("FLEET_PORT", Integer.toString(port));
        FleetCommand fleet;
        try {
            fleet = new FleetCommand(builder.start(), logFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run deploy/bin/fleet in " + root, e);
        }
        fleet.reader.start();
        try {
            await("deploy/bin/fleet printed its block").atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .until(() -> fleet.printed(LAST_LINE) || !fleet.process.isAlive());
            fleet.parse();
            return fleet;
        } catch (RuntimeException | AssertionError e) {
            fleet.close();
            throw new AssertionError("deploy/bin/fleet did not start" + (fleet.process.isAlive() ? ""
                    : " (exit status " + fleet.process.exitValue() + ")") + "; its output:\n" + fleet.output(), e);
        }
    }

    /** The URL the command says to open: HAProxy's frontend. */
    public URI url() {
        return url;
    }

    /** The WebSocket endpoint behind {@link #url()}, where the demo page connects. */
    public URI wsUri() {
        return URI.create("ws://" + url.getAuthority() + "/ws");
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** The node whose id (the {@code node} of its {@code welcome}) is {@code id}. */
    public Node node(String id) {
        return nodes.stream().filter(node -> node.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + id + " in " + nodes));
    }

    public int redisPort() {
        return redisPort;
    }

    /** Every PID the command printed: the nodes', Redis' and HAProxy's. */
    public List<Long> pids() {
        return Stream.concat(nodes.stream().map(Node::pid), Stream.of(redisPid, haproxyPid)).toList();
    }

    /** The folder that holds the logs of the fleet's processes, as printed. */
    public Path runFolder() {
        return runFolder;
    }

    /** Everything the command has printed so far. */
    public synchronized String output() {
        return String.join("\n", lines);
    }

    /** Whether the command has printed a line that contains {@code text}. */
    public synchronized boolean printed(String text) {
        return lines.stream().anyMatch(line -> line.contains(text));
    }

    /** Sends SIGINT to the command, as Ctrl-C in its terminal does. */
    public void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -INT " + process.pid() + " failed");
        }
    }

    /** Waits for the command to exit and for its output to be read to the end; its exit status. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("deploy/bin/fleet still runs " + timeout + " after SIGINT:\n" + output());
        }
        // The reader may still be behind the last lines the command printed before it exited.
        reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        return process.exitValue();
    }

    /** Whether process {@code pid} still runs (a zombie counts as gone). */
    public static boolean running(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        try {
            // "PID (COMMAND) STATE ...": Z is a zombie, an exited process its parent has not reaped yet.
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            // Gone between the two looks.
            return false;
        }
    }

    /** Stops the command if it still runs (SIGTERM: it stops its processes), then kills any printed PID left. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pids().stream().filter(pid -> pid > 0 && running(pid)).forEach(pid -> ProcessHandle.of(pid)
                .ifPresent(ProcessHandle::destroyForcibly));
        process.destroyForcibly();
    }

    private void copyOutput() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             Writer copy = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                synchronized (this) {
                    lines.add(line);
                }
                copy.write(line + "\n");
                copy.flush();
            }
        } catch (IOException e) {
            // The command's output closed under the reader (it was killed): what was read is kept.
            synchronized (this) {
                lines.add("[output unreadable: " + e + "]");
            }
        }
    }

    private synchronized void parse() {
        for (String line : lines) {
            Matcher matcher;
            if ((matcher = RUN.matcher(line)).find()) {
                runFolder = Path.of(matcher.group(1));
            } else if ((matcher = URL.matcher(line)).find()) {
                url = URI.create(matcher.group(1));
            } else if ((matcher = NODE.matcher(line)).find()) {
                nodes.add(new Node(matcher.group(1), Integer.parseInt(matcher.group(2)),
                        Long.parseLong(matcher.group(3))));
            } else if ((matcher = REDIS.matcher(line)).find()) {
                redisPort = Integer.parseInt(matcher.group(1));
                redisPid = Long.parseLong(matcher.group(2));
            } else if ((matcher = HAPROXY.matcher(line)).find()) {
                haproxyPid = Long.parseLong(matcher.group(1));
            }
        }
        if (runFolder == null || url == null || nodes.isEmpty() || redisPid == 0 || haproxyPid == 0) {
            throw new AssertionError("the block lacks the run folder, URL, nodes, Redis or HAProxy");
        }
    }

    private static Path logFile() throws IOException {
        Path dir = Path.of(System.getProperty(GatewayProcess.JAR_PROPERTY, "target/crier-gateway.jar"))
                .toAbsolutePath().getParent().resolve("fleet-command");
        Files.createDirectories(dir);
        return Files.createTempFile(dir, "fleet-", ".log");
    }
}
