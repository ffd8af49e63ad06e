package io.crier.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The figures of one fleet test run, for BENCHMARKS.md: reconnect times (from a drop to the resubscribe's
 * {@code ok}) as p50/p99/max, overall and split into drained clients (told by a {@code disconnect} push) and
 * dropped ones (a crash), how many resubscribes recovered, the spread of the first connections, failed
 * connection attempts by cause, the backend's counts, each step's duration and the CPU the test JVM used (the
 * clients' cost). Immutable; thread-safe.
 */
public record FleetFigures(int clients, Map<String, Long> firstNodes, List<FleetClient.Reconnect> reconnects,
                    long recovered, long notRecovered, Map<String, Long> failedAttempts, long published,
                    long failed, double ratePerTopic, List<Long> stepMillis, long runMillis, long testCpuMillis,
                    Duration bound) {

    public static FleetFigures of(List<FleetClient> clients, Map<String, Long> firstNodes, SteadyBackend backend,
                           List<Long> stepMillis, long beganNanos, Duration bound) {
        List<FleetClient.Reconnect> reconnects = clients.stream().flatMap(c -> c.reconnects().stream()).toList();
        // The first subscribe of each client is not a resubscribe.
        List<FleetClient.Subscribed> resubscribes = clients.stream()
                .flatMap(c -> c.subscribes().stream().skip(1)).toList();
        long recovered = resubscribes.stream().filter(FleetClient.Subscribed::recovered).count();
        Map<String, Long> failedAttempts = clients.stream().flatMap(c -> c.failedAttempts().stream())
                .collect(Collectors.groupingBy(FleetFigures::cause, TreeMap::new, Collectors.counting()));
        return new FleetFigures(clients.size(), Map.copyOf(firstNodes), reconnects, recovered,
                resubscribes.size() - recovered, failedAttempts, backend.published(), backend.failed(),
                backend.ratePerTopic(), List.copyOf(stepMillis),
                Duration.ofNanos(System.nanoTime() - beganNanos).toMillis(),
                ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L),
                bound);
    }

    /** The slowest reconnect, in milliseconds (0 when there was none). */
    public long maxReconnectMillis() {
        return reconnects.stream().mapToLong(FleetClient.Reconnect::millis).max().orElse(0);
    }

    /** Prints the figures and writes them to {@code file}. */
    public void write(Path file) {
        int steps = stepMillis.size();
        String text = "fleet test " + LocalDate.now() + ": " + clients + " clients through HAProxy, first "
                + "connections by node " + new TreeMap<>(firstNodes) + "\n"
                + "backend: " + published + " publications (" + ratePerTopic + "/s per topic), " + failed
                + " failed while Redis was away\n"
                + "reconnects: all " + timings(r -> true) + "; drained " + timings(FleetClient.Reconnect::told)
                + "; dropped " + timings(r -> !r.told()) + " (bound " + bound.toMillis() + " ms)\n"
                + "resubscribes: recovered:true " + recovered + ", recovered:false " + notRecovered + "\n"
                + "failed connection attempts by cause: " + failedAttempts + "\n"
                + "steps (ms): rolling deploy " + stepMillis.subList(0, steps - 2) + ", crash "
                + stepMillis.get(steps - 2) + ", redis restart " + stepMillis.get(steps - 1) + "; whole run "
                + runMillis + " ms; CPU of the test JVM (clients, backend, fixtures) " + testCpuMillis + " ms\n";
        System.out.print(text);
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String timings(Predicate<FleetClient.Reconnect> which) {
        List<Long> sorted = reconnects.stream().filter(which).map(FleetClient.Reconnect::millis).sorted().toList();
        return sorted.size() + " (p50 " + percentile(sorted, 0.50) + " ms, p99 " + percentile(sorted, 0.99)
                + " ms, max " + percentile(sorted, 1.0) + " ms)";
    }

    /** The exception class or close code of a failed attempt, without the addresses and ports that vary. */
    private static String cause(String why) {
        String cause = why.replace("java.util.concurrent.CompletionException: ", "")
                .replaceAll("127\\.0\\.0\\.1:\\d+", "ADDR").replaceAll("\\s+", " ");
        return cause.substring(0, Math.min(80, cause.length()));
    }

    /** The smallest value at least {@code q} of the sorted values are at or below (0 when there are none). */
    private static long percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
