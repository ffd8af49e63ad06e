package io.crier.loadtest.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The idle mode (memory per connection). One process is limited by its file descriptors (20,000 here), so idle
 * starts {@code processes - 1} child JVMs in the hold mode ({@link HoldRun}), each holding {@code connections}
 * connections until its standard input closes. Idle takes the server's memory (after a full GC) and its live heap by
 * class ({@link ClassHistogram}) before anything connects; once every connection is authenticated and subscribed,
 * its RSS and Netty direct memory at once (right after the connect burst, no GC), its heap, RSS and live heap by
 * class after a full GC (where one connection's bytes go), and its RSS and Netty direct memory again after
 * {@code --hold} (steady). With {@code --connect-rounds} above 1, warm-up rounds connect and close first, so that the
 * baseline is a warm server.
 *
 * <p>Not thread-safe: run by the controller thread. Children are stopped by their PID.
 */
final class IdleRun {

    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration CHILD_EXIT = Duration.ofSeconds(20);
    private static final int HISTOGRAM_ROWS = 30;

    private final BenchOptions o;
    private final Bench bench;

    IdleRun(BenchOptions options, Bench bench) {
        this.o = options;
        this.bench = bench;
    }

    int run() throws Exception {
        warmUp();
        NodeProbe.Memory before = o.pid() > 0 ? NodeProbe.memory(o.pid()) : null;
        ClassHistogram classesBefore = o.pid() > 0 ? ClassHistogram.of(o.pid()) : null;
        Bench.say("baseline: %s", before);
        List<Child> children = new ArrayList<>();
        try (ClientFleet fleet = new ClientFleet(o.threads(), o.concurrency())) {
            int total = 0;
            for (int i = 1; i < o.processes(); i++) {
                Child child = Child.start(o, i);
                children.add(child);
                total += child.awaitHeld(o.connectTimeout().plusSeconds(60));
            }
            ClientFleet.ConnectResult own = bench.connect(fleet, bench.plans(o.connections()));
            total += own.ready();
            Reading burst = read(); // right after the burst: no GC
            LockSupport.parkNanos(SETTLE.toNanos());
            NodeProbe.Memory after = o.pid() > 0 ? NodeProbe.memory(o.pid()) : null;
            if (classesBefore != null && total > 0) {
                reportClasses(classesBefore, ClassHistogram.of(o.pid()), total);
            }
            LockSupport.parkNanos(o.hold().toNanos());
            Reading steady = read(); // after the GC and the hold
            report(total, before, burst, after, steady);
            Bench.say("after holding %s: closes after ready %s, pongs sent %d", o.hold(), fleet.closesAfterReady(),
                    fleet.pongs());
            return total == o.connections() * o.processes() ? 0 : 1;
        } finally {
            children.forEach(Child::stop);
        }
    }

    /**
     * With {@code --connect-rounds} above 1, connects {@code --connections} once per extra round and closes them
     * before the baseline, so that the baseline already holds what the first connections cost once (compiled code,
     * loaded classes, the allocator's arenas) and the figures are the cost of each further connection.
     */
    private void warmUp() throws InterruptedException {
        for (int round = 1; round < o.connectRounds(); round++) {
            try (ClientFleet warm = new ClientFleet(o.threads(), o.concurrency())) {
                ClientFleet.ConnectResult r = bench.connect(warm, bench.plans(o.connections()));
                Bench.say("warm-up round %d (closed before the baseline): %d connections", round, r.ready());
            }
            LockSupport.parkNanos(SETTLE.toNanos());
        }
    }

    /** The server's RSS (KiB) and Netty direct memory (bytes, -1 when it serves no metrics) at one moment. */
    private record Reading(long rssKiB, long nettyDirectBytes) {
    }

    private Reading read() {
        return o.pid() > 0 ? new Reading(NodeProbe.rssKiB(o.pid()), nettyDirect()) : null;
    }

    /** The node's Netty direct memory from its metrics; -1 for a server without them (the yardstick). */
    private long nettyDirect() {
        try {
            return NodeScrape.read(NodeScrape.metricsUrl(o.url())).get(NodeScrape.NETTY_DIRECT);
        } catch (RuntimeException e) {
            // The yardstick serves no HTTP: the figure is unknown there, which the report shows as -1.
            return -1;
        }
    }

    private void report(int total, NodeProbe.Memory before, Reading burst, NodeProbe.Memory after, Reading steady) {
        if (before == null || after == null || total == 0) {
            Bench.say("RESULT label=%s mode=idle connections=%d (no --pid: memory not measured)", o.label(), total);
            return;
        }
        Bench.say("after: %s; right after the burst: %s; steady: %s", after, burst, steady);
        Bench.say("RESULT label=%s mode=idle connections=%d heap_before_kib=%d heap_after_kib=%d rss_before_kib=%d "
                        + "rss_after_kib=%d rss_burst_kib=%d rss_steady_kib=%d netty_direct_burst_bytes=%d "
                        + "netty_direct_bytes=%d heap_bytes_per_conn=%.0f rss_bytes_per_conn=%.0f "
                        + "rss_burst_bytes_per_conn=%.0f rss_steady_bytes_per_conn=%.0f rss_total_bytes_per_conn=%.0f",
                o.label(), total, before.heapUsedKiB(), after.heapUsedKiB(), before.rssKiB(), after.rssKiB(),
                burst.rssKiB(), steady.rssKiB(), burst.nettyDirectBytes(), steady.nettyDirectBytes(),
                perConnection(after.heapUsedKiB() - before.heapUsedKiB(), total),
                perConnection(after.rssKiB() - before.rssKiB(), total),
                perConnection(burst.rssKiB() - before.rssKiB(), total),
                perConnection(steady.rssKiB() - before.rssKiB(), total), perConnection(after.rssKiB(), total));
    }

    private static double perConnection(long kib, int connections) {
        return kib * 1024.0 / connections;
    }

    /** Where the heap bytes of one connection go: the classes that grew most, per connection. */
    private void reportClasses(ClassHistogram before, ClassHistogram after, int total) {
        Bench.say("live heap by class, growth per connection (%s, %d connections; all classes: %.0f B):%n%s",
                o.label(), total, after.totalGrowthSince(before, total),
                ClassHistogram.table(after.growthSince(before, total, HISTOGRAM_ROWS)));
    }

    /** A hold-mode child JVM. */
    private record Child(int index, Process process, CompletableFuture<Integer> held) {

        static Child start(BenchOptions o, int index) throws IOException {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp",
                    System.getProperty("java.class.path"), Bench.class.getName(), "hold",
                    "--url=" + o.url(), "--connections=" + o.connections(), "--topics=" + o.topics(),
                    "--sources=" + o.sources(), "--threads=" + o.threads(), "--concurrency=" + o.concurrency(),
                    "--secret=" + o.secret(), "--hold=" + o.budget().toSeconds() + "s", "--label=child-" + index,
                    "--connect-timeout=" + o.connectTimeout().toSeconds() + "s"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<Integer> held = new CompletableFuture<>();
            Thread echo = new Thread(() -> echo(index, process, held), "bench-child-" + index);
            echo.setDaemon(true);
            echo.start();
            return new Child(index, process, held);
        }

        /** Copies the child's output, prefixed, and completes {@code held} with its HELD count. */
        private static void echo(int index, Process process, CompletableFuture<Integer> held) {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Bench.say("[child %d] %s", index, line);
                    if (line.startsWith("HELD ready=")) {
                        held.complete(Integer.parseInt(line.substring(11, line.indexOf(' ', 11))));
                    }
                }
            } catch (IOException e) {
                held.completeExceptionally(e);
            }
            held.complete(0);
        }

        int awaitHeld(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
            return held.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        void stop() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(CHILD_EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(CHILD_EXIT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
