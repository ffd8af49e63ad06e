package io.crier.loadtest.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The connect mode: {@code --connect-rounds} rounds, each opening every connection (auth and subscribe, its own
 * JWT each) and then closing them all. The first round meets a cold server (a deploy's reconnect storm); later
 * rounds meet a warm one. With {@code --pid}, each round also reads the server's CPU time and RSS before and after
 * its connect phase (no GC in between): CPU per connection and RSS growth per connection. Each round also reads
 * the load generator's own CPU per connection and how busy the whole machine was over the connect phase: where
 * the generator shares the server's cores, the handshake rate is bound by both processes' CPU per connection.
 *
 * <p>Not thread-safe: run by the controller thread.
 */
final class ConnectRounds {

    /** How long the server is left to handle the closes of one round before the next starts. */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private final BenchOptions o;
    private final Bench bench;

    ConnectRounds(BenchOptions options, Bench bench) {
        this.o = options;
        this.bench = bench;
    }

    /** The load generator's CPU time (this process's live threads) and the machine's CPU ticks, at one moment. */
    private record Shared(long generatorCpuNanos, long[] machineTicks) {

        static Shared read() {
            return new Shared(NodeProbe.cpuNanos(ProcessHandle.current().pid()), NodeProbe.machineTicks());
        }
    }

    /** One round's outcome. */
    private record Round(ClientFleet.ConnectResult result, ServerCost before, ServerCost after, Shared sharedBefore,
                         Shared sharedAfter) {

        double generatorCpuMicrosPerConnection() {
            return sharedBefore.generatorCpuNanos() < 0 || sharedAfter.generatorCpuNanos() < 0
                    || result.ready() == 0 ? -1
                    : (sharedAfter.generatorCpuNanos() - sharedBefore.generatorCpuNanos()) / 1000.0 / result.ready();
        }

        /** How busy the machine's cores were over the connect phase, in percent of all of them. */
        double machineBusyPercent() {
            long[] a = sharedBefore.machineTicks();
            long[] b = sharedAfter.machineTicks();
            return a == null || b == null || b[1] == a[1] ? -1 : (b[0] - a[0]) * 100.0 / (b[1] - a[1]);
        }

        double cpuMicrosPerConnection() {
            return before.cpuNanos() < 0 || after.cpuNanos() < 0 || result.ready() == 0 ? -1
                    : (after.cpuNanos() - before.cpuNanos()) / 1000.0 / result.ready();
        }

        long rssGrowthBytesPerConnection() {
            return before.rssKiB() < 0 || after.rssKiB() < 0 || result.ready() == 0 ? -1
                    : (after.rssKiB() - before.rssKiB()) * 1024 / result.ready();
        }
    }

    int run(List<ClientPlan> plans) throws InterruptedException {
        List<Round> rounds = new ArrayList<>();
        for (int i = 1; i <= o.connectRounds(); i++) {
            try (ClientFleet fleet = new ClientFleet(o.threads(), o.concurrency())) {
                Shared sharedBefore = Shared.read();
                ServerCost before = ServerCost.read(o.pid());
                ClientFleet.ConnectResult r = bench.connect(fleet, plans);
                ServerCost after = ServerCost.read(o.pid());
                Round round = new Round(r, before, after, sharedBefore, Shared.read());
                rounds.add(round);
                Bench.say("round %d of %d: %.0f handshakes/s, server CPU %.0f us per connection, RSS growth %d bytes "
                                + "per connection; load generator CPU %.0f us per connection, machine %.0f%% busy",
                        i, o.connectRounds(), r.readyPerSecond(), round.cpuMicrosPerConnection(),
                        round.rssGrowthBytesPerConnection(), round.generatorCpuMicrosPerConnection(),
                        round.machineBusyPercent());
            }
            if (i < o.connectRounds()) {
                LockSupport.parkNanos(SETTLE.toNanos()); // a pause for the server, not a wait for a signal
            }
        }
        return report(rounds);
    }

    private int report(List<Round> rounds) {
        Round first = rounds.get(0);
        ClientFleet.ConnectResult r = first.result();
        Histogram h = r.latency();
        String warm = "";
        if (rounds.size() > 1) {
            List<Round> later = rounds.subList(1, rounds.size());
            warm = String.format(Locale.ROOT, " warm_handshakes_per_s=%.0f warm_server_cpu_us_per_conn=%.0f "
                            + "warm_p99_ms=%.1f",
                    later.stream().mapToDouble(x -> x.result().readyPerSecond()).average().orElse(-1),
                    later.stream().mapToDouble(Round::cpuMicrosPerConnection).average().orElse(-1),
                    later.stream().mapToDouble(x -> x.result().latency().getValueAtPercentile(99) / 1000.0)
                            .average().orElse(-1));
        }
        Bench.say("RESULT label=%s mode=connect connections=%d ready=%d failed=%d timed_out=%d handshakes_per_s=%.0f "
                        + "p50_ms=%.1f p99_ms=%.1f p999_ms=%.1f max_ms=%.1f server_cpu_us_per_conn=%.0f "
                        + "rss_growth_bytes_per_conn=%d generator_cpu_us_per_conn=%.0f machine_busy_pct=%.0f rounds=%d%s",
                o.label(), r.planned(), r.ready(), r.failed(), r.timedOut(), r.readyPerSecond(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, first.cpuMicrosPerConnection(),
                first.rssGrowthBytesPerConnection(), first.generatorCpuMicrosPerConnection(),
                first.machineBusyPercent(), rounds.size(), warm);
        boolean allReady = rounds.stream().allMatch(x -> x.result().ready() == x.result().planned());
        return allReady ? 0 : 1;
    }
}
