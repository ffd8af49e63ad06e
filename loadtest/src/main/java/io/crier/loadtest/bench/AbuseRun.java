package io.crier.loadtest.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The abuse mode: does a node give back the memory that abusive clients made it take? It measures the fresh node,
 * runs one warm-up round, whose end is the baseline, then {@code --rounds} rounds, each running every case one
 * after the other:
 * slow readers ({@link SlowReaders}), then command floods, oversized fragmented messages, deflate bombs and
 * oversized handshakes ({@link AbuseClients}). After each round it waits until the node's connections are back
 * to the baseline's, runs a full GC in the node ({@code jcmd PID GC.run}) and reads the heap after it, how much
 * of the heap is resident, RSS, and from {@code /metrics} Netty's direct memory and the JDK's direct buffers.
 * With Native Memory Tracking on in the node it ends with NMT's committed memory by category against the
 * fresh node; last, it has the JVM trim glibc's heap, which shows how much of the RSS was memory freed by native
 * code that malloc still held. Prints one Markdown row per round and the verdict ({@link AbuseReport}).
 *
 * <p>Not thread-safe: run by the controller thread.
 */
final class AbuseRun {

    private static final Duration CONNECTIONS_BACK = Duration.ofSeconds(30);
    private static final Pattern NMT_CATEGORY = Pattern.compile(
            "^-\\s*(.+?) \\(reserved=\\d+KB(?: [+-]\\d+KB)?, committed=(\\d+)KB(?: ([+-]\\d+)KB)?\\)");

    private final BenchOptions o;
    private final Bench bench;
    private final URI metrics;
    private AbuseReport report;
    /** The most Netty direct memory read during the current round. */
    private long directHigh;

    AbuseRun(BenchOptions options, Bench bench) {
        this.o = options;
        this.bench = bench;
        this.metrics = NodeScrape.metricsUrl(options.url());
    }

    /** The report of the last run, or null. */
    AbuseReport report() {
        return report;
    }

    int run() throws Exception {
        if (o.pid() <= 0) {
            Bench.say("abuse needs --pid: the node's memory is what it measures");
            return 2;
        }
        BenchOptions.AbuseSizes sizes = o.abuse();
        String[] topics = new String[sizes.slowReaders()];
        for (int i = 0; i < topics.length; i++) {
            topics[i] = "bench." + bench.runId() + ".slow." + i;
        }
        try (RedisPublisher publisher = new RedisPublisher(o.redisHost(), o.redisPort(), o.prefix(), topics,
                o.payloadBytes());
             AbuseClients clients = new AbuseClients(o.url(), o.secret(), bench.runId())) {
            SlowReaders slow = new SlowReaders(o.url(), o.pid(), o.secret(), bench.runId(), topics, publisher);
            boolean deflate = clients.offersDeflate();
            announce(deflate);
            long idle = NodeScrape.read(metrics).get(NodeScrape.CONNECTIONS);
            AbuseReport.Memory start = settledMemory(idle);
            Bench.say("start (full GC): %s", start);
            String nmt = NodeProbe.nativeMemory(o.pid(), "baseline");
            AbuseReport.Round warm = round(0, slow, clients, deflate, idle);
            warm.cases().forEach(c -> Bench.say("warm-up %s", c.describe()));
            Bench.say("baseline, after the warm-up round (full GC): %s", warm.after());
            report = new AbuseReport(start, warm);
            for (int r = 1; r <= sizes.rounds(); r++) {
                AbuseReport.Round round = round(r, slow, clients, deflate, idle);
                round.cases().forEach(c -> Bench.say("round %d %s", round.number(), c.describe()));
                Bench.say("round %d after (full GC): %s", round.number(), round.after());
                report.add(round);
            }
            print(nmt != null);
            return report.passed() ? 0 : 1;
        }
    }

    private void announce(boolean deflate) {
        BenchOptions.AbuseSizes sizes = o.abuse();
        Bench.say("abuse: %d rounds after a warm-up round; per round %d slow readers (%d-byte publications at "
                        + "%.0f/s, at most %s), %d flooders, %d oversized, %d deflate bombs%s, %d big headers",
                sizes.rounds(), sizes.slowReaders(), o.payloadBytes(), o.rate(), o.duration(), sizes.flooders(),
                sizes.oversized(), sizes.bombs(), deflate ? "" : " (left out: the node has compression off)",
                sizes.bigHeaders());
    }

    /** Runs the cases of one round, then measures the node once it holds at most {@code idle} connections. */
    private AbuseReport.Round round(int number, SlowReaders slow, AbuseClients clients, boolean deflate, long idle)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        directHigh = 0;
        BenchOptions.AbuseSizes sizes = o.abuse();
        List<CaseResult> cases = new ArrayList<>();
        cases.add(slow.run(o.rate(), o.duration()));
        cases.add(counted("command_flood", false, () -> clients.flood(sizes.flooders())));
        cases.add(counted("message_too_big", false, () -> clients.oversized(sizes.oversized())));
        cases.add(counted("message_too_big", false, () -> clients.bombs(deflate ? sizes.bombs() : 0)));
        cases.add(counted("too_large", true, () -> clients.bigHeaders(sizes.bigHeaders())));
        double seconds = (System.nanoTime() - start) / 1e9;
        AbuseReport.Memory after = settledMemory(idle);
        long high = Math.max(directHigh, Math.max(slow.peaks().nettyDirect(), after.nettyDirect()));
        return new AbuseReport.Round(number, cases, slow.peaks(), slow.published(), high, after, seconds);
    }

    private interface Case {
        CaseResult run() throws InterruptedException;
    }

    /** Runs a case and fills in how many connections the node counted for it under {@code reason}. */
    private CaseResult counted(String reason, boolean refusal, Case c) throws InterruptedException {
        NodeScrape before = NodeScrape.read(metrics);
        CaseResult result = c.run();
        NodeScrape after = NodeScrape.read(metrics);
        directHigh = Math.max(directHigh, Math.max(before.get(NodeScrape.NETTY_DIRECT),
                after.get(NodeScrape.NETTY_DIRECT)));
        long count = refusal ? after.refused(reason) - before.refused(reason)
                : after.disconnects(reason) - before.disconnects(reason);
        return new CaseResult(result.name(), result.clients(), result.expected(), result.seen(), count,
                result.seconds());
    }

    /**
     * Waits (bounded) until the node holds at most {@code connections} connections, then runs a full GC in it and
     * reads its memory.
     */
    private AbuseReport.Memory settledMemory(long connections) {
        long deadline = System.nanoTime() + CONNECTIONS_BACK.toNanos();
        while (NodeScrape.read(metrics).get(NodeScrape.CONNECTIONS) > connections && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        NodeProbe.Memory probe = NodeProbe.memory(o.pid());
        return AbuseReport.Memory.of(probe, NodeScrape.read(metrics));
    }

    private void print(boolean nmt) {
        Bench.say("");
        Bench.say("%s", AbuseReport.header());
        report.headRows().forEach(row -> Bench.say("%s", row));
        report.rounds().forEach(r -> Bench.say("%s", AbuseReport.row(r)));
        Bench.say("");
        report.verdict().forEach(line -> Bench.say("VERDICT %s", line));
        Bench.say("%s", report.residentLine());
        if (nmt) {
            printNativeMemoryDiff(NodeProbe.nativeMemory(o.pid(), "summary.diff"));
        }
        String trim = NodeProbe.trimNativeHeap(o.pid());
        Bench.say("after the last round, glibc's free memory given back (jcmd System.trim_native_heap): %s",
                trim == null ? "not supported by this JVM" : trim);
        AbuseReport.Memory b = report.baseline();
        AbuseReport.Memory last = report.last();
        Bench.say("RESULT label=%s mode=abuse rounds=%d heap_base_kib=%d heap_max_growth_kib=%d direct_base=%d "
                        + "direct_max_over_warmup_high=%d rss_start_kib=%d rss_base_kib=%d rss_end_kib=%d "
                        + "heap_resident_base_kib=%d heap_resident_end_kib=%d verdict=%s", o.label(),
                report.rounds().size(), b.heapUsedKiB(), report.maxHeapGrowthKiB(), b.nettyDirect(),
                report.maxDirectGrowth(), report.start().rssKiB(), b.rssKiB(), last.rssKiB(), b.heapResidentKiB(),
                last.heapResidentKiB(), report.passed() ? "pass" : "fail");
    }

    /** NMT's committed memory by category (1 MiB or more, or moved by that much) and its change since the start. */
    private static void printNativeMemoryDiff(String diff) {
        if (diff == null) {
            return;
        }
        Bench.say("Native Memory Tracking: committed now (change since the start), categories of 1 MiB or more:");
        for (String line : diff.split("\n")) {
            if (line.startsWith("Total:")) {
                Bench.say("  %s", line.trim());
            }
            Matcher m = NMT_CATEGORY.matcher(line.strip());
            if (!m.find()) {
                continue;
            }
            long committed = Long.parseLong(m.group(2));
            long change = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
            if (committed >= 1024 || Math.abs(change) >= 1024) {
                Bench.say("  %-26s %8.1f MiB (%+.1f MiB)", m.group(1), committed / 1024.0, change / 1024.0);
            }
        }
    }
}
