package io.crier.loadtest.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The hold mode: connects its clients (each authenticated and subscribed), prints {@code HELD ready=N failed=M},
 * then holds them until its standard input ends or {@code --hold} has passed. Each {@code count} line on standard
 * input counts one publication: the process prints {@code COUNTING}, after which whoever drives it publishes the
 * next publication on the run's topics (a benchmark payload with the next sequence number, see
 * {@link BenchPayload}), and prints {@code COUNTED}, how many of its connections got it, once every connection has
 * or {@code --count-timeout} has passed. {@code bin/bench-fleet} spreads a fleet's clients over several hold
 * processes this way, and {@link IdleRun} starts its extra client JVMs in this mode.
 *
 * <p>Not thread-safe: run by the controller thread; one daemon thread reads standard input.
 */
final class HoldRun {

    static final String COUNT = "count";
    /** Marks the end of standard input; compared by identity, so no line read can be taken for it. */
    private static final String END = new String("end of standard input");
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final BenchOptions o;
    private final Bench bench;
    private int counted;

    HoldRun(BenchOptions options, Bench bench) {
        this.o = options;
        this.bench = bench;
    }

    /**
     * What one count found. Immutable.
     *
     * @param connections the connections held (ready)
     * @param complete    of them, those that got every publication counted so far, the last one included
     * @param deliveries  benchmark payloads received since {@code COUNTING}, duplicates included
     * @param totals      every connection's ledger against the publications counted so far
     * @param nanos       from {@code COUNTING} to the last delivery awaited, or to the timeout
     */
    record Counted(int connections, long complete, long deliveries, DeliveryLedger.Totals totals, long nanos) {

        /** Whether every connection got the publication once (and every earlier counted one), in order. */
        boolean everyOne() {
            return complete == connections && totals.clean();
        }
    }

    int run() throws InterruptedException {
        try (ClientFleet fleet = new ClientFleet(o.threads(), o.concurrency())) {
            int ready = connect(fleet);
            serve(fleet, ready, lines(System.in));
            Bench.say("hold: closes after ready %s", fleet.closesAfterReady());
            return ready == o.connections() ? 0 : 1;
        }
    }

    /** Connects this process's clients and prints {@code HELD}; returns how many are ready. */
    int connect(ClientFleet fleet) throws InterruptedException {
        ClientFleet.ConnectResult r = bench.connect(fleet, bench.plans(o.connections()));
        Bench.say("HELD ready=%d failed=%d", r.ready(), r.failed() + r.timedOut());
        return r.ready();
    }

    /** Runs the commands until their end or {@code --hold} has passed. */
    private void serve(ClientFleet fleet, int ready, BlockingQueue<String> commands) throws InterruptedException {
        long deadline = System.nanoTime() + o.hold().toNanos();
        while (true) {
            String line = commands.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                Bench.say("hold time %s is over", o.hold());
                return;
            }
            if (line == END) {
                return;
            }
            if (COUNT.equals(line.trim())) {
                report(await(fleet, ready, startCount(fleet, ready)));
            } else {
                Bench.say("hold: unknown command '%s' (the only one is '%s')", line.trim(), COUNT);
            }
        }
    }

    /** The start of one count: the deliveries received before it and the publication's data to send. */
    record CountStart(long before, String data, long startNanos) {
    }

    /**
     * Takes the count's starting point and prints {@code COUNTING ... data=<payload>}: from then on, the
     * publication may be sent, with that payload as its data (topic index 0, the next sequence number, the send
     * time of now; with several topics, each topic needs its own, differing in the topic index only).
     */
    CountStart startCount(ClientFleet fleet, int ready) {
        long before = fleet.received();
        byte[] payload = BenchPayload.template(o.payloadBytes());
        BenchPayload.stamp(payload, 0, counted, System.nanoTime());
        String data = new String(payload, StandardCharsets.US_ASCII);
        Bench.say("COUNTING label=%s connections=%d publication=%d data=%s", o.label(), ready, counted, data);
        return new CountStart(before, data, System.nanoTime());
    }

    /**
     * Waits until {@code ready} deliveries more than at {@code start} have arrived or {@code --count-timeout} has
     * passed, then reads every connection's ledger against the publications counted so far.
     */
    Counted await(ClientFleet fleet, int ready, CountStart start) throws InterruptedException {
        long deadline = System.nanoTime() + o.countTimeout().toNanos();
        while (fleet.received() - start.before() < ready && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL_NANOS);
        }
        long elapsed = System.nanoTime() - start.startNanos();
        counted++;
        long[] published = new long[o.topics()];
        Arrays.fill(published, counted);
        DeliveryLedger.Totals totals = fleet.totals(published);
        return new Counted(ready, ready - totals.clientsWithLoss, fleet.received() - start.before(), totals,
                elapsed);
    }

    private void report(Counted c) {
        Bench.say("COUNTED label=%s connections=%d complete=%d deliveries=%d lost=%d duplicates=%d out_of_order=%d "
                        + "foreign=%d ms=%.1f verdict=%s", o.label(), c.connections(), c.complete(), c.deliveries(),
                c.totals().lost, c.totals().duplicates, c.totals().outOfOrder, c.totals().foreign, c.nanos() / 1e6,
                c.everyOne() ? "pass" : "fail");
    }

    /** The lines of {@code in}, then {@link #END} at its end, read by a daemon thread. */
    private static BlockingQueue<String> lines(InputStream in) {
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(16);
        Thread reader = new Thread(() -> readInto(in, lines), "bench-stdin");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static void readInto(InputStream in, BlockingQueue<String> lines) {
        try {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.put(line);
                }
            } catch (IOException e) {
                // A broken standard input means the parent is gone: stop holding, as at its end.
                Bench.say("standard input failed: %s", e);
            }
            lines.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // only the JVM's exit stops this daemon thread
        }
    }
}
