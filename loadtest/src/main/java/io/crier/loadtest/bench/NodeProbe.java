package io.crier.loadtest.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a server process's resources from outside: CPU time from {@code /proc/PID/stat}, RSS from
 * {@code /proc/PID/status} (VmRSS), and the live heap through {@code jcmd PID GC.run} then {@code GC.heap_info}
 * (a full collection first, so that "used" is the live set and not garbage). Stateless and thread-safe.
 */
final class NodeProbe {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux
    private static final long JCMD_TIMEOUT_SECONDS = 60;

    private NodeProbe() {
    }

    /** The process's memory: live heap (after a full GC) and RSS, in KiB. */
    record Memory(long heapUsedKiB, long rssKiB) {
    }

    /** Runs a full GC in {@code pid}, then reads its heap use and RSS. */
    static Memory memory(long pid) {
        jcmd(pid, "GC.run");
        Matcher heap = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        long heapKiB = heap.find() ? Long.parseLong(heap.group(1)) : -1;
        return new Memory(heapKiB, rssKiB(pid));
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

    /** The 1-minute load average of the machine. */
    static String loadAverage() {
        return read(Path.of("/proc/loadavg")).trim();
    }

    private static String jcmd(long pid, String command) {
        try {
            Path output = Files.createTempFile("bench-jcmd-", ".out");
            try {
                Process jcmd = new ProcessBuilder(List.of("jcmd", Long.toString(pid), command))
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
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
