package io.crier.loadtest.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a server process's resources from outside: CPU time from {@code /proc/PID/stat}, RSS from
 * {@code /proc/PID/status} (VmRSS), the live heap through {@code jcmd PID GC.run} then {@code GC.heap_info}
 * (a full collection first, so that "used" is the live set and not garbage), how much of the heap's address
 * range is resident ({@code /proc/PID/smaps}), and Native Memory Tracking through {@code jcmd PID
 * VM.native_memory} when the process runs with {@code -XX:NativeMemoryTracking}. Stateless and thread-safe.
 */
final class NodeProbe {

    private static final Pattern HEAP = Pattern.compile(
            "total (\\d+)K, used (\\d+)K \\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final Pattern TCP_MEM = Pattern.compile("TCP: .* mem (\\d+)");
    private static final long PAGE_BYTES = 4096;
    private static final Pattern TRIM = Pattern.compile("(RSS\\+Swap: .*)");
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux
    private static final long JCMD_TIMEOUT_SECONDS = 60;

    private NodeProbe() {
    }

    /**
     * The process's memory in KiB: the live heap (used after a full GC), the heap's committed size, how much of
     * the heap's address range is resident (pages the JVM has touched: young regions count although empty), and
     * the RSS of the whole process.
     */
    record Memory(long heapUsedKiB, long heapCommittedKiB, long heapResidentKiB, long rssKiB) {
    }

    /** The address range the heap is reserved in, {@code [start, end)}. */
    record HeapRange(long start, long end) {
    }

    /** Runs a full GC in {@code pid}, then reads its heap and RSS. */
    static Memory memory(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher heap = HEAP.matcher(info);
        if (!heap.find()) {
            // Another collector's wording: the used figure alone, as before the heap's range was read.
            Matcher used = HEAP_USED.matcher(info);
            return new Memory(used.find() ? Long.parseLong(used.group(1)) : -1, -1, -1, rssKiB(pid));
        }
        long resident = residentKiB(pid, range(heap));
        return new Memory(Long.parseLong(heap.group(2)), Long.parseLong(heap.group(1)), resident, rssKiB(pid));
    }

    /** Where {@code pid}'s heap is reserved (no GC); null when {@code GC.heap_info} does not say. */
    static HeapRange heapRange(long pid) {
        Matcher heap = HEAP.matcher(jcmd(pid, "GC.heap_info"));
        return heap.find() ? range(heap) : null;
    }

    private static HeapRange range(Matcher heap) {
        return new HeapRange(Long.parseUnsignedLong(heap.group(3), 16), Long.parseUnsignedLong(heap.group(4), 16));
    }

    /**
     * The resident KiB of {@code pid}'s mappings that lie within {@code range}, from its smaps: for the heap, the
     * pages the JVM has touched (a young region once used stays resident, empty or not); -1 without a range.
     */
    static long residentKiB(long pid, HeapRange range) {
        if (range == null) {
            return -1;
        }
        long start = range.start();
        long end = range.end();
        long total = 0;
        boolean inside = false;
        for (String line : read(Path.of("/proc", Long.toString(pid), "smaps")).split("\n")) {
            Matcher mapping = MAPPING.matcher(line);
            if (mapping.find()) {
                inside = Long.parseUnsignedLong(mapping.group(1), 16) >= start
                        && Long.parseUnsignedLong(mapping.group(2), 16) <= end;
            } else if (inside && line.startsWith("Rss:")) {
                total += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return total;
    }

    /**
     * {@code jcmd PID VM.native_memory <command>} ({@code baseline}, {@code summary}, {@code summary.diff}); null
     * when the process runs without Native Memory Tracking.
     */
    static String nativeMemory(long pid, String command) {
        String output = jcmd(pid, "VM.native_memory " + command);
        return output.contains("not enabled") ? null : output;
    }

    /** VmRSS of {@code pid} in KiB. */
    static long rssKiB(long pid) {
        Matcher rss = RSS.matcher(read(Path.of("/proc", Long.toString(pid), "status")));
        return rss.find() ? Long.parseLong(rss.group(1)) : -1;
    }

    /** User plus system CPU time of {@code pid} so far, in milliseconds; -1 when it cannot be read. */
    static long cpuMillis(long pid) {
        if (pid <= 0) {
            return -1;
        }
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // Fields after the command name (which may hold spaces) start after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
        return ticks * 1000 / CLOCK_TICKS;
    }

    /**
     * The CPU time of {@code pid}'s live threads so far in nanoseconds, the sum of their {@code
     * /proc/PID/task/TID/schedstat} run times (nanosecond resolution, where {@link #cpuMillis} counts 10 ms
     * ticks); time of threads that have ended is not in it. -1 when it cannot be read.
     */
    static long cpuNanos(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (var threads = Files.list(tasks)) {
            long total = 0;
            for (Path thread : threads.toList()) {
                try {
                    total += Long.parseLong(Files.readString(thread.resolve("schedstat")).split(" ")[0]);
                } catch (IOException e) {
                    // The thread ended between the listing and the read: its time is gone with it.
                    continue;
                }
            }
            return total;
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /**
     * The whole machine's CPU time so far, from {@code /proc/stat}, in clock ticks: {@code {busy, total}}; null when
     * it cannot be read.
     */
    static long[] machineTicks() {
        return machineTicks(read(Path.of("/proc/stat")));
    }

    /**
     * {@code {busy, total}} clock ticks from the text of {@code /proc/stat}: the sum of its first line's fields, and
     * that sum without idle and iowait; null when the first line is not the machine's {@code cpu} line.
     */
    static long[] machineTicks(String procStat) {
        String[] line = procStat.split("\n", 2)[0].trim().split("\\s+");
        if (line.length < 6 || !line[0].equals("cpu")) {
            return null;
        }
        long total = 0;
        for (int i = 1; i < line.length; i++) {
            total += Long.parseLong(line[i]);
        }
        long idle = Long.parseLong(line[4]) + Long.parseLong(line[5]); // idle, iowait
        return new long[] {total - idle, total};
    }

    /**
     * Asks the JVM to give glibc's free native memory back to the system ({@code jcmd PID
     * System.trim_native_heap}, JDK 17.0.9 and later) and returns its report ({@code RSS+Swap: a->b (-c)}), or
     * null when the JVM cannot: what it gives back is memory that C code had freed but malloc still held.
     */
    static String trimNativeHeap(long pid) {
        Matcher trim = TRIM.matcher(jcmd(pid, "System.trim_native_heap"));
        return trim.find() ? trim.group(1) : null;
    }

    /** The memory the kernel holds for TCP socket buffers, all sockets of the machine, in bytes; -1 if unknown. */
    static long kernelTcpBytes() {
        Matcher tcp = TCP_MEM.matcher(read(Path.of("/proc/net/sockstat")));
        return tcp.find() ? Long.parseLong(tcp.group(1)) * PAGE_BYTES : -1;
    }

    /** The 1-minute load average of the machine. */
    static String loadAverage() {
        return read(Path.of("/proc/loadavg")).trim();
    }

    static String jcmd(long pid, String command) {
        try {
            Path output = Files.createTempFile("bench-jcmd-", ".out");
            try {
                List<String> line = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
                line.addAll(List.of(command.split(" ")));
                Process jcmd = new ProcessBuilder(line)
                        .redirectErrorStream(true).redirectOutput(output.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                if (!jcmd.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    jcmd.destroyForcibly();
                    throw new IllegalStateException("jcmd " + pid + " " + command + " timed out");
                }
                return Files.readString(output, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
