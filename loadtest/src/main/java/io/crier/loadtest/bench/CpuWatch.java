package io.crier.loadtest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CPU time of the processes a run watches ({@code --watch=label:pid,...}: the Redis servers, the gateway
 * nodes), read from outside before and after a window and turned into percent of one core and microseconds per
 * publication. Immutable; thread-safe.
 *
 * @param processes the watched processes, in the order given
 */
record CpuWatch(List<Watched> processes) {

    /** One watched process; {@code label} is a word (letters, digits, '-', '_'). */
    record Watched(String label, long pid) {
    }

    /** CPU nanoseconds of every watched process at one moment (-1 for one that cannot be read). */
    record Snapshot(long[] cpuNanos, long atNanos) {
    }

    /**
     * What the processes used between two snapshots, for {@code publications} publications.
     *
     * @param cpuNanos CPU nanoseconds used by each watched process in the window
     */
    record Usage(List<Watched> processes, long[] cpuNanos, long windowNanos, long publications) {

        double percent(int i) {
            return cpuNanos[i] < 0 ? -1 : cpuNanos[i] * 100.0 / windowNanos;
        }

        double microsPerPublication(int i) {
            return cpuNanos[i] < 0 || publications == 0 ? -1 : cpuNanos[i] / 1000.0 / publications;
        }

        /** {@code label cpu% µs/publication, ...} for people. */
        String describe() {
            if (processes.isEmpty()) {
                return "no process watched";
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < processes.size(); i++) {
                parts.add(String.format(Locale.ROOT, "%s %.1f%% %.2fus/pub", processes.get(i).label(), percent(i),
                        microsPerPublication(i)));
            }
            return "cpu " + String.join(", ", parts);
        }

        /** {@code <key>_<label>=percent ...}, the percentages alone (for a window without publications). */
        String percentFields(String key) {
            StringBuilder fields = new StringBuilder();
            for (int i = 0; i < processes.size(); i++) {
                fields.append(String.format(Locale.ROOT, " %s_%s=%.2f", key, processes.get(i).label(), percent(i)));
            }
            return fields.toString().trim();
        }

        /** {@code cpu_pct_<label>=x cpu_us_per_pub_<label>=y ...} for the RESULT line; empty if nothing is watched. */
        String resultFields() {
            StringBuilder fields = new StringBuilder();
            for (int i = 0; i < processes.size(); i++) {
                String label = processes.get(i).label();
                fields.append(String.format(Locale.ROOT, " cpu_pct_%s=%.1f cpu_us_per_pub_%s=%.3f", label, percent(i),
                        label, microsPerPublication(i)));
            }
            return fields.toString().trim();
        }
    }

    CpuWatch {
        processes = List.copyOf(processes);
    }

    /** Parses {@code label:pid,label:pid}; an empty text watches nothing. */
    static CpuWatch parse(String text) {
        List<Watched> watched = new ArrayList<>();
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] parts = item.split(":");
            if (parts.length != 2 || !parts[0].matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("--watch takes label:pid,label:pid, got " + item);
            }
            watched.add(new Watched(parts[0], Long.parseLong(parts[1])));
        }
        return new CpuWatch(watched);
    }

    Snapshot snapshot() {
        long[] cpu = new long[processes.size()];
        for (int i = 0; i < cpu.length; i++) {
            cpu[i] = NodeProbe.cpuNanos(processes.get(i).pid());
        }
        return new Snapshot(cpu, System.nanoTime());
    }

    /** The usage from {@code before} until now, for {@code publications} publications. */
    Usage since(Snapshot before, long publications) {
        Snapshot after = snapshot();
        long[] used = new long[processes.size()];
        for (int i = 0; i < used.length; i++) {
            used[i] = before.cpuNanos()[i] < 0 || after.cpuNanos()[i] < 0 ? -1
                    : after.cpuNanos()[i] - before.cpuNanos()[i];
        }
        return new Usage(processes, used, after.atNanos() - before.atNanos(), publications);
    }
}
