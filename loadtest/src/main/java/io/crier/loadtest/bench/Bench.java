package io.crier.loadtest.bench;

import io.crier.gateway.auth.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;

/**
 * The benchmark's entry point: {@code java -cp ... io.crier.loadtest.bench.Bench MODE --key=value ...} (see
 * {@link BenchOptions#usage()}, printed by {@code --help}). It mints one token per client, connects the clients,
 * runs the mode, prints human-readable lines and one {@code RESULT key=value ...} line that {@code bin/bench}
 * reads, and exits 0 when the run measured what it was asked to (1 otherwise, 2 on bad arguments).
 *
 * <p>Not thread-safe: one controller thread runs everything; see the package documentation for the threads.
 */
public final class Bench {

    private final BenchOptions options;
    private ClientFleet.ConnectResult lastConnect;
    private StepResult lastStep;
    private AbuseRun lastAbuse;
    private final String run;

    private Bench(BenchOptions options) {
        this.options = options;
        this.run = options.run().isEmpty() ? Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36)
                : options.run();
    }

    /** A benchmark for these arguments (as {@link #main} takes them), to {@link #run()} in this JVM. */
    static Bench of(String... args) {
        return new Bench(BenchOptions.parse(args));
    }

    /** This benchmark's parameters. */
    BenchOptions options() {
        return options;
    }

    /** The outcome of the last connect phase, or null. */
    ClientFleet.ConnectResult lastConnect() {
        return lastConnect;
    }

    /** The step the last fixed run measured, or the best step of the last search; null when none. */
    StepResult lastStep() {
        return lastStep;
    }

    /** The report of the last abuse run, or null. */
    AbuseReport lastAbuse() {
        return lastAbuse == null ? null : lastAbuse.report();
    }

    /** Runs one benchmark and exits with its status. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(BenchOptions.usage());
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (RuntimeException e) {
            System.err.println("bench: " + e.getMessage() + "\n\n" + BenchOptions.usage());
            System.exit(2);
            return;
        }
        System.exit(new Bench(options).run());
    }

    /** Prints one line on standard output, formatted with the root locale, and flushes it. */
    static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    int run() throws Exception {
        BenchOptions o = options;
        say("bench %s [%s]: %s, %d connections, %d topics, %d-byte payloads, %d client threads (%s), sources "
                        + "127.0.0.%d..%d, run %s, load average %s", o.mode(), o.label(), o.urls(), o.connections(),
                o.topics(), o.payloadBytes(), o.threads(), ClientFleet.transport(), o.sourceOffset() + 1,
                o.sourceOffset() + o.sources(), run, NodeProbe.loadAverage());
        if ("idle".equals(o.mode())) {
            return new IdleRun(o, this).run();
        }
        if ("hold".equals(o.mode())) {
            return new HoldRun(o, this).run();
        }
        if ("redis".equals(o.mode())) {
            return new RedisRun(o, topics()).run();
        }
        if ("abuse".equals(o.mode())) {
            lastAbuse = new AbuseRun(o, this);
            return lastAbuse.run();
        }
        List<ClientPlan> plans = plans(o.connections());
        if ("connect".equals(o.mode())) {
            return new ConnectRounds(o, this).run(plans);
        }
        try (ClientFleet fleet = new ClientFleet(o.threads(), o.concurrency())) {
            ClientFleet.ConnectResult connected = connect(fleet, plans);
            if (connected.ready() == 0) {
                return 1;
            }
            return publish(fleet, connected.ready());
        }
    }

    /** Connects the plans and prints the outcome. */
    ClientFleet.ConnectResult connect(ClientFleet fleet, List<ClientPlan> plans) throws InterruptedException {
        ClientFleet.ConnectResult r = fleet.connect(plans, options.connectTimeout());
        lastConnect = r;
        Histogram h = r.latency();
        say("connected %d of %d in %.2f s (%.0f/s; failed %d, timed out %d, not attempted %d); connect+auth+"
                        + "subscribe ms p50=%.1f p99=%.1f max=%.1f; failures %s", r.ready(), r.planned(),
                r.elapsedNanos() / 1e9, r.readyPerSecond(), r.failed(), r.timedOut(), r.planned() - r.attempted(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0, r.failures());
        return r;
    }

    private int publish(ClientFleet fleet, int ready) throws IOException, InterruptedException {
        BenchOptions o = options;
        try (RedisPublisher publisher = new RedisPublisher(o.shards(), o.publishVerb(), o.prefix(), topics(),
                o.payloadBytes(), o.document())) {
            RateSteps steps = new RateSteps(fleet, publisher, ready, o.topics(), o.pid(), o.watch(),
                    NodeScrape.metricsUrl(o.url()));
            long bound = o.p99Bound().toNanos() / 1000;
            StepResult result;
            if (!o.warmup().isZero()) {
                StepResult warm = steps.step("fixed".equals(o.mode()) ? o.rate() : o.startRate(), o.warmup());
                say("warm-up (not counted): %s", warm.describe());
            }
            if ("fixed".equals(o.mode())) {
                result = steps.step(o.rate(), o.duration());
                say("fixed: %s -> %s", result.describe(), result.verdict(bound));
            } else {
                result = steps.search(o);
                if (result == null) {
                    say("RESULT label=%s mode=search connections=%d topics=%d none_passed=true (lower --start-rate)",
                            o.label(), ready, o.topics());
                    say("whole run, after the final drain: %s", steps.finalTotals());
                    return 1;
                }
                say("search: highest passing step: %s", result.describe());
            }
            lastStep = result;
            DeliveryLedger.Totals whole = steps.finalTotals();
            say("whole run (warm-up included), after the final drain: sent %d, %s, no receiver %d, redis errors %d",
                    publisher.sent(), whole, publisher.noReceiver(), publisher.errors());
            say("RESULT label=%s mode=%s connections=%d topics=%d payload=%d %s verdict=%s run_lost=%d run_dup=%d "
                            + "run_ooo=%d", o.label(), o.mode(), ready, o.topics(), o.payloadBytes(),
                    result.resultFields(), result.passes(bound) ? "pass" : "fail", whole.lost, whole.duplicates,
                    whole.outOfOrder);
            return whole.clean() ? 0 : 1;
        }
    }

    /** This run's id, part of every topic and user name it makes. */
    String runId() {
        return run;
    }

    /** The topic names of this run: {@code bench.<run>.<i>}. */
    String[] topics() {
        String[] topics = new String[options.topics()];
        for (int i = 0; i < topics.length; i++) {
            topics[i] = "bench." + run + "." + i;
        }
        return topics;
    }

    /**
     * One plan per client, with its own token (sub {@code bench-<run>-<i>}, allowed its topic only), minted
     * before any connection so that minting is not timed as part of the handshakes. With several URLs, client
     * {@code i} connects to URL {@code (i / topics) % urls}: each URL gets subscribers of every topic. This
     * process's clients are the run's clients {@code first-client + 0 .. count - 1}; the {@code j}-th of them
     * connects from {@code 127.0.0.<1 + source-offset + j % sources>}.
     */
    List<ClientPlan> plans(int count) {
        BenchOptions o = options;
        String[] topics = topics();
        byte[] secret = o.secret().getBytes(StandardCharsets.UTF_8);
        CommandFrames frames = new CommandFrames();
        long start = System.nanoTime();
        List<ClientPlan> plans = new ArrayList<>(count);
        for (int j = 0; j < count; j++) {
            int i = o.firstClient() + j;
            int topic = i % topics.length;
            URI url = o.urls().get((i / topics.length) % o.urls().size());
            String token = TestTokens.hs256(secret, "bench-" + run + "-" + i, List.of(topics[topic]), null,
                    Duration.ofHours(1));
            plans.add(new ClientPlan(i, url.getHost(), url.getPort(), url.getRawPath(),
                    "127.0.0." + (1 + o.sourceOffset() + j % o.sources()), topic,
                    frames.auth(ClientPlan.AUTH_ID, token), frames.subscribe(ClientPlan.SUBSCRIBE_ID, topics[topic]),
                    o.payloadBytes(), o.deflate()));
        }
        say("minted %d tokens and command frames in %.2f s", count, (System.nanoTime() - start) / 1e9);
        return plans;
    }
}
