package io.crier.gateway.browser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs JavaScript tests with Node's built-in runner ({@code node --test}) as a child process: the spec report
 * streams into this JVM's standard output line by line (so into the Maven log), a TAP report goes to a file whose
 * summary ({@code # pass N}, {@code # fail N}) gives the counts. A run that outlives its timeout is killed with
 * its whole process tree (browsers included). One instance per run; not thread-safe.
 */
final class NodeTestRun {

    private static final Pattern SUMMARY = Pattern.compile("^# (tests|pass|fail|cancelled|skipped|todo) (\\d+)$");

    /** What a run ended with. {@code counts} holds the TAP summary's numbers by name (tests, pass, fail, ...). */
    record Result(int exitCode, Map<String, Integer> counts, List<String> output) {
        int count(String name) {
            return counts.getOrDefault(name, -1);
        }
    }

    private NodeTestRun() {
    }

    /**
     * Runs {@code node [nodeOptions] --test ... files} in {@code dir} with {@code env} added to this JVM's
     * environment, and waits at most {@code timeout} for it.
     *
     * @throws IllegalStateException when it does not end in time (after killing it) or node cannot be run
     */
    static Result run(Path dir, List<String> nodeOptions, List<Path> files, Map<String, String> env, Path tap,
                      Duration timeout) {
        List<String> command = new ArrayList<>(List.of("node"));
        command.addAll(nodeOptions);
        command.addAll(List.of("--test", "--test-concurrency=1", "--test-reporter=spec",
                "--test-reporter-destination=stdout", "--test-reporter=tap", "--test-reporter-destination=" + tap));
        files.forEach(file -> command.add(dir.relativize(file.toAbsolutePath()).toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        Process process;
        try {
            Files.createDirectories(tap.getParent());
            Files.deleteIfExists(tap);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command + " (is Node.js 20+ installed?)", e);
        }
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread pump = new Thread(() -> pump(process, output), "node-test-output");
        pump.setDaemon(true);
        pump.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                throw new IllegalStateException(String.join(" ", command) + " did not end within " + timeout);
            }
            pump.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(process);
            throw new IllegalStateException(e);
        } finally {
            // A browser that a crashed test left behind must not outlive the run.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        return new Result(process.exitValue(), summary(tap), List.copyOf(output));
    }

    /** Copies the run's output to standard output as it comes, each line marked, and keeps it. */
    private static void pump(Process process, List<String> output) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                System.out.println("[node] " + line);
                output.add(line);
            }
        } catch (IOException e) {
            // The process was killed while we read: what came so far is kept.
            System.out.println("[node] output ended: " + e);
        }
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The numbers of the TAP report's closing summary; empty when the report is missing. */
    private static Map<String, Integer> summary(Path tap) {
        if (!Files.isRegularFile(tap)) {
            return Map.of();
        }
        try {
            Map<String, Integer> counts = new TreeMap<>();
            for (String line : Files.readAllLines(tap, StandardCharsets.UTF_8)) {
                Matcher matcher = SUMMARY.matcher(line);
                if (matcher.matches()) {
                    counts.put(matcher.group(1), Integer.parseInt(matcher.group(2)));
                }
            }
            return counts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
