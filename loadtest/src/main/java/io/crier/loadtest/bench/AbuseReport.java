package io.crier.loadtest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The abuse mode's figures and verdict: the node's memory at the baseline (after the warm-up round) and after
 * every round, each taken after a full GC once the round's connections had closed, and whether each came back
 * within the tolerances: the heap after GC within {@link #HEAP_TOLERANCE_KIB} of the baseline, Netty's direct
 * memory ({@code PlatformDependent.usedDirectMemory()}) within {@link #DIRECT_TOLERANCE_BYTES}. Printed as a
 * Markdown table, ready for BENCHMARKS.md. Not thread-safe.
 */
final class AbuseReport {

    /**
     * Heap after GC may end a round this much above the baseline: the node's own objects moved by at most 1.2 MiB
     * between full GCs over 30 rounds with a 1 GiB heap (0.1 MiB with 256 MiB), while 4 KB kept per abusive
     * connection (132 a round in the bench) would pass it within 8 rounds.
     */
    static final long HEAP_TOLERANCE_KIB = 4 * 1024;
    /**
     * Netty's direct memory may end a round this much above the baseline: its allocator keeps chunks for reuse,
     * and the set it kept moved by at most 0.75 MiB (in 128 KiB steps) in runs of 10 and 30 rounds, and stopped
     * moving after round 9 of the 30.
     */
    static final long DIRECT_TOLERANCE_BYTES = 4L * 1024 * 1024;

    /** The node's memory at one moment, after a full GC; bytes or KiB as named. */
    record Memory(long heapUsedKiB, long heapCommittedKiB, long heapResidentKiB, long rssKiB, long nettyDirect,
                  long allocatorDirect, long jdkDirect, long connections) {

        static Memory of(NodeProbe.Memory probe, NodeScrape scrape) {
            return new Memory(probe.heapUsedKiB(), probe.heapCommittedKiB(), probe.heapResidentKiB(), probe.rssKiB(),
                    scrape.get(NodeScrape.NETTY_DIRECT), scrape.get(NodeScrape.ALLOCATOR_DIRECT),
                    scrape.get(NodeScrape.JDK_DIRECT), scrape.get(NodeScrape.CONNECTIONS));
        }
    }

    /** One round: its cases, the peaks while slow readers were being filled and closed, and the memory after. */
    record Round(int number, List<CaseResult> cases, SlowReaders.Peaks peaks, long published, Memory after,
                 double seconds) {

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

    /** The largest Netty direct memory of any round, above the baseline, in bytes. */
    long maxDirectGrowth() {
        return rounds.stream().mapToLong(r -> r.after().nettyDirect() - baseline.nettyDirect()).max().orElse(0);
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
                + "| big headers 400 | heap after GC | Netty direct (allocator) | JDK direct | RSS | heap resident "
                + "| peak RSS / heap resident / Netty direct / queued / kernel TCP | connections | s |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    /** The rows before the rounds: the fresh node, and the warm-up round, whose end is the baseline. */
    List<String> headRows() {
        return List.of(row("start", " | | | | ", start, "", ""), row(warmUp, "warm-up = baseline"));
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
                mib(p.nettyDirect()), mib(p.queuedBytes()), mib(p.kernelTcpBytes()));
        return row(label, cases.toString(), round.after(), peaks,
                String.format(Locale.ROOT, "%.1f", round.seconds()));
    }

    private static String row(String label, String cases, Memory m, String peaks, String seconds) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %s (%s) | %s | %s | %s | %s | %d | %s |", label, cases,
                mib(m.heapUsedKiB() * 1024), mib(m.nettyDirect()), mib(m.allocatorDirect()), mib(m.jdkDirect()),
                mib(m.rssKiB() * 1024), mib(m.heapResidentKiB() * 1024), peaks, m.connections(), seconds);
    }

    /** The verdict lines. */
    List<String> verdict() {
        return List.of(
                String.format(Locale.ROOT, "heap after GC back within %s MiB of the baseline (%s MiB) after every "
                                + "round: %s (largest change: %+.1f MiB)", mib(HEAP_TOLERANCE_KIB * 1024),
                        mib(baseline.heapUsedKiB() * 1024), yes(heapBack()), maxHeapGrowthKiB() / 1024.0),
                String.format(Locale.ROOT, "Netty direct memory back within %s MiB of the baseline (%s MiB) after "
                                + "every round: %s (largest change: %+.1f MiB)", mib(DIRECT_TOLERANCE_BYTES),
                        mib(baseline.nettyDirect()), yes(directBack()), maxDirectGrowth() / 1048576.0),
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
