package io.crier.loadtest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;

/**
 * The abuse mode's figures and verdict: the node's memory at the start, at the baseline (after the warm-up round)
 * and after every round, each taken after a full GC once the round's connections had closed, and whether each came
 * back within the tolerances: the heap after GC within {@link #HEAP_TOLERANCE_KIB} of the baseline, and Netty's
 * direct memory ({@code PlatformDependent.usedDirectMemory()}) within {@link #DIRECT_TOLERANCE_BYTES} of the most
 * it held during the warm-up. Its allocator keeps 8 MiB chunks for reuse and gives one back or not depending on
 * the moment, so one reading after a round may land a chunk or two below another (12.5 or 28 MiB); what a leak
 * would do is grow past everything the allocator held before. Printed as a Markdown table, ready for BENCHMARKS.md. Not
 * thread-safe.
 */
final class AbuseReport {

    /**
     * Heap after GC may end a round this much above the baseline: the node's own objects moved by at most 1.2 MiB
     * between full GCs in runs of up to 30 rounds with a 1 GiB heap (0.1 MiB with 256 MiB), while 4 KB kept per abusive
     * connection (132 a round in the bench) would pass it within 8 rounds.
     */
    static final long HEAP_TOLERANCE_KIB = 4 * 1024;
    /**
     * Netty's direct memory may end a round this much above the most it held during the warm-up: one chunk of its
     * (adaptive) allocator, which keeps whole chunks for reuse, 8 MiB each when the JVM may use more than 512 MiB
     * of direct memory (2 MiB below). The set it keeps settled at 29.0 to 29.7 MiB in runs of 10 and 30 rounds
     * with -Xms1g, and reached the same from a warm-up high of 24.7 MiB over five rounds with -Xms64m.
     */
    static final long DIRECT_TOLERANCE_BYTES = 8L * 1024 * 1024;

    /** The node's memory at one moment, after a full GC; bytes or KiB as named. */
    record Memory(long heapUsedKiB, long heapCommittedKiB, long heapResidentKiB, long rssKiB, long nettyDirect,
                  long allocatorDirect, long jdkDirect, long connections) {

        static Memory of(NodeProbe.Memory probe, NodeScrape scrape) {
            return new Memory(probe.heapUsedKiB(), probe.heapCommittedKiB(), probe.heapResidentKiB(), probe.rssKiB(),
                    scrape.get(NodeScrape.NETTY_DIRECT), scrape.get(NodeScrape.ALLOCATOR_DIRECT),
                    scrape.get(NodeScrape.JDK_DIRECT), scrape.get(NodeScrape.CONNECTIONS));
        }
    }

    /**
     * One round: its cases, the peaks while slow readers were being filled and closed, the most Netty direct
     * memory read during the round (every reading: while slow readers were fed, before and after each case, after
     * the GC), and the memory after.
     */
    record Round(int number, List<CaseResult> cases, SlowReaders.Peaks peaks, long published, long directHigh,
                 Memory after, double seconds) {

        boolean casesPassed() {
            return cases.stream().allMatch(CaseResult::passed);
        }
    }

    private final Memory start;
    private final Round warmUp;
    private final Memory baseline;
    private final List<Round> rounds = new ArrayList<>();

    /** A report whose baseline is the node's memory after {@code warmUp}; {@code start} is the fresh node's. */
    AbuseReport(Memory start, Round warmUp) {
        this.start = start;
        this.warmUp = warmUp;
        this.baseline = warmUp.after();
    }

    void add(Round round) {
        rounds.add(round);
    }

    Memory baseline() {
        return baseline;
    }

    List<Round> rounds() {
        return List.copyOf(rounds);
    }

    /** The largest heap after GC of any round, above the baseline, in KiB. */
    long maxHeapGrowthKiB() {
        return rounds.stream().mapToLong(r -> r.after().heapUsedKiB() - baseline.heapUsedKiB()).max().orElse(0);
    }

    /** The most Netty direct memory held during the warm-up round, in bytes: the allocator's settled set. */
    long directCeiling() {
        return warmUp.directHigh();
    }

    /** The largest Netty direct memory after any round, above {@link #directCeiling()}, in bytes. */
    long maxDirectGrowth() {
        return rounds.stream().mapToLong(r -> r.after().nettyDirect() - directCeiling()).max().orElse(0);
    }

    boolean heapBack() {
        return maxHeapGrowthKiB() <= HEAP_TOLERANCE_KIB;
    }

    boolean directBack() {
        return maxDirectGrowth() <= DIRECT_TOLERANCE_BYTES;
    }

    /** Whether every round's connections closed: the node is back to the baseline's count. */
    boolean connectionsBack() {
        return rounds.stream().allMatch(r -> r.after().connections() <= baseline.connections());
    }

    boolean casesPassed() {
        return rounds.stream().allMatch(Round::casesPassed);
    }

    boolean passed() {
        return heapBack() && directBack() && connectionsBack() && casesPassed();
    }

    /** The Markdown table header; memory in MiB. */
    static String header() {
        return "| round | slow readers 4001 (publications) | flood 4502 | oversized 1009 | deflate bomb 1009 "
                + "| big headers 431 | heap after GC | Netty direct (allocator) | JDK direct | RSS | heap resident "
                + "| Netty direct high | slow readers peak RSS / heap resident / queued / kernel TCP | connections "
                + "| s |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    /** The rows before the rounds: the fresh node, and the warm-up round, whose end is the baseline. */
    List<String> headRows() {
        return List.of(row("start", " | | | | ", start, "", "", ""), row(warmUp, "warm-up = baseline"));
    }

    /** One round's row: each case as node-counted/clients ("(!)" when not as expected), memory in MiB. */
    static String row(Round round) {
        return row(round, Integer.toString(round.number()));
    }

    private static String row(Round round, String label) {
        StringBuilder cases = new StringBuilder();
        for (CaseResult c : round.cases()) {
            String count = c.clients() == 0 ? "-" : c.nodeCount() + "/" + c.clients() + (c.passed() ? "" : " (!)");
            cases.append(cases.length() == 0 ? count + " (" + round.published() + ")" : " | " + count);
        }
        SlowReaders.Peaks p = round.peaks();
        String peaks = String.join(" / ", mib(p.rssKiB() * 1024), mib(p.heapResidentKiB() * 1024),
                mib(p.queuedBytes()), mib(p.kernelTcpBytes()));
        return row(label, cases.toString(), round.after(), mib(round.directHigh()), peaks,
                String.format(Locale.ROOT, "%.1f", round.seconds()));
    }

    private static String row(String label, String cases, Memory m, String directHigh, String peaks,
                              String seconds) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s | %d | %s |", label,
                cases, mib(m.heapUsedKiB() * 1024), mib(m.nettyDirect()), mib(m.allocatorDirect()),
                mib(m.jdkDirect()), mib(m.rssKiB() * 1024), mib(m.heapResidentKiB() * 1024), directHigh, peaks,
                m.connections(), seconds);
    }

    /** The verdict lines. */
    List<String> verdict() {
        return List.of(
                String.format(Locale.ROOT, "heap after GC back within %s MiB of the baseline (%s MiB) after every "
                                + "round: %s (largest change: %+.1f MiB)", mib(HEAP_TOLERANCE_KIB * 1024),
                        mib(baseline.heapUsedKiB() * 1024), yes(heapBack()), maxHeapGrowthKiB() / 1024.0),
                String.format(Locale.ROOT, "Netty direct memory after every round within %s MiB of the most it held "
                                + "during the warm-up (%s MiB; %s at the baseline): %s (after the rounds: %s to %s "
                                + "MiB)",
                        mib(DIRECT_TOLERANCE_BYTES), mib(directCeiling()), mib(baseline.nettyDirect()),
                        yes(directBack()), mib(directAfter().min().orElse(-1)), mib(directAfter().max().orElse(-1))),
                "every abusive client closed with its code, as the node counted it: " + yes(casesPassed()),
                "connections back to the baseline after every round: " + yes(connectionsBack()));
    }

    /** RSS and the heap's resident part at the start, at the baseline and at the end. */
    String residentLine() {
        return String.format(Locale.ROOT, "RSS %s MiB at the start, %s after the warm-up, %s after the last round; "
                        + "of it the heap's resident pages %s, %s, %s MiB", mib(start.rssKiB() * 1024),
                mib(baseline.rssKiB() * 1024), mib(last().rssKiB() * 1024), mib(start.heapResidentKiB() * 1024),
                mib(baseline.heapResidentKiB() * 1024), mib(last().heapResidentKiB() * 1024));
    }

    Memory start() {
        return start;
    }

    private LongStream directAfter() {
        return rounds.stream().mapToLong(r -> r.after().nettyDirect());
    }

    /** The node's memory after the last round (the baseline when there was none). */
    Memory last() {
        return rounds.isEmpty() ? baseline : rounds.get(rounds.size() - 1).after();
    }

    private static String yes(boolean value) {
        return value ? "yes" : "NO";
    }

    /** Bytes as MiB with one decimal, without the unit; "n/a" for a figure the node did not give. */
    static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
