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
 * The idle mode (memory per connection) and its helper, the hold mode. One process is limited by its file
 * descriptors (20,000 here), so idle starts {@code processes - 1} child JVMs of this class in hold mode, each
 * holding {@code connections} connections until its standard input closes. Idle takes the server's memory
 * (after a full GC) before anything connects and again once every connection is authenticated and subscribed, and
 * its live heap by class ({@link ClassHistogram}) both times, to show where one connection's bytes go; with
 * {@code --connect-rounds} above 1, warm-up rounds connect and close first, so that the baseline is a warm server.
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
        return "hold".equals(o.mode()) ? hold() : idle();
    }

    private int hold() throws Exception {
        try (ClientFleet fleet = new ClientFleet(o.threads(), o.concurrency())) {
            ClientFleet.ConnectResult r = bench.connect(fleet, bench.plans(o.connections()));
            Bench.say("HELD ready=%d failed=%d", r.ready(), r.failed() + r.timedOut());
            CompletableFuture<Void> stdinClosed = CompletableFuture.runAsync(IdleRun::readUntilEof);
            try {
                stdinClosed.get(o.hold().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                Bench.say("hold time %s is over", o.hold());
            }
            Bench.say("hold: closes after ready %s", fleet.closesAfterReady());
        }
        return 0;
    }

    private int idle() throws Exception {
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
            LockSupport.parkNanos(SETTLE.toNanos());
            NodeProbe.Memory after = o.pid() > 0 ? NodeProbe.memory(o.pid()) : null;
            report(total, before, after);
            if (classesBefore != null && total > 0) {
                reportClasses(classesBefore, ClassHistogram.of(o.pid()), total);
            }
            LockSupport.parkNanos(o.hold().toNanos());
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

    private void report(int total, NodeProbe.Memory before, NodeProbe.Memory after) {
        if (before == null || after == null || total == 0) {
            Bench.say("RESULT label=%s mode=idle connections=%d (no --pid: memory not measured)", o.label(), total);
            return;
        }
        double heapPer = (after.heapUsedKiB() - before.heapUsedKiB()) * 1024.0 / total;
        double rssPer = (after.rssKiB() - before.rssKiB()) * 1024.0 / total;
        Bench.say("after: %s", after);
        Bench.say("RESULT label=%s mode=idle connections=%d heap_before_kib=%d heap_after_kib=%d rss_before_kib=%d "
                        + "rss_after_kib=%d heap_bytes_per_conn=%.0f rss_bytes_per_conn=%.0f "
                        + "rss_total_bytes_per_conn=%.0f", o.label(), total, before.heapUsedKiB(),
                after.heapUsedKiB(), before.rssKiB(), after.rssKiB(), heapPer, rssPer,
                after.rssKiB() * 1024.0 / total);
    }

    /** Where the heap bytes of one connection go: the classes that grew most, per connection. */
    private void reportClasses(ClassHistogram before, ClassHistogram after, int total) {
        Bench.say("live heap by class, growth per connection (%s, %d connections; all classes: %.0f B):%n%s",
                o.label(), total, after.totalGrowthSince(before, total),
                ClassHistogram.table(after.growthSince(before, total, HISTOGRAM_ROWS)));
    }

    private static void readUntilEof() {
        try {
            while (System.in.read() >= 0) {
                // Anything on standard input is ignored: only its end matters.
            }
        } catch (IOException e) {
            // A broken standard input means the parent is gone: stop holding, as on EOF.
            Bench.say("standard input failed: %s", e);
        }
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
