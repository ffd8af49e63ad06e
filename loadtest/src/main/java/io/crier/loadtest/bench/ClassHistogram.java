package io.crier.loadtest.bench;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server process's live objects by class ({@code jcmd PID GC.class_histogram}, which collects first), and the
 * difference of two of them divided by a connection count: where the heap bytes of one connection go. Immutable;
 * thread-safe.
 */
final class ClassHistogram {

    /** {@code num: instances bytes class-name [(module)]}. */
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /** Instances and bytes of one class. */
    record Count(long instances, long bytes) {
    }

    /** One class's growth per connection. */
    record Growth(String className, double instancesPerConnection, double bytesPerConnection) {
    }

    private final Map<String, Count> counts;

    private ClassHistogram(Map<String, Count> counts) {
        this.counts = Map.copyOf(counts);
    }

    /** Takes the histogram of {@code pid}'s live heap now. */
    static ClassHistogram of(long pid) {
        return parse(NodeProbe.jcmd(pid, "GC.class_histogram"));
    }

    /** Reads the text {@code jcmd PID GC.class_histogram} prints. */
    static ClassHistogram parse(String text) {
        Map<String, Count> counts = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                counts.merge(row.group(3), new Count(Long.parseLong(row.group(1)), Long.parseLong(row.group(2))),
                        (a, b) -> new Count(a.instances() + b.instances(), a.bytes() + b.bytes()));
            }
        }
        return new ClassHistogram(counts);
    }

    /** The classes that grew most from {@code before} to this one, per connection, largest first. */
    List<Growth> growthSince(ClassHistogram before, int connections, int limit) {
        return counts.entrySet().stream()
                .map(e -> {
                    Count was = before.counts.getOrDefault(e.getKey(), new Count(0, 0));
                    return new Growth(e.getKey(), (e.getValue().instances() - was.instances()) / (double) connections,
                            (e.getValue().bytes() - was.bytes()) / (double) connections);
                })
                .sorted(Comparator.comparingDouble(Growth::bytesPerConnection).reversed())
                .limit(limit)
                .toList();
    }

    /** Every class's bytes together, from {@code before} to this one, per connection. */
    double totalGrowthSince(ClassHistogram before, int connections) {
        long now = counts.values().stream().mapToLong(Count::bytes).sum();
        long was = before.counts.values().stream().mapToLong(Count::bytes).sum();
        return (now - was) / (double) connections;
    }

    /** The growth as Markdown table rows (class, instances and bytes per connection), and their total. */
    static String table(List<Growth> rows) {
        StringBuilder text = new StringBuilder("| class | instances / connection | bytes / connection |\n|---|---|---|\n");
        double total = 0;
        for (Growth g : rows) {
            total += g.bytesPerConnection();
            text.append(String.format(Locale.ROOT, "| %s | %.2f | %.0f |%n", g.className(), g.instancesPerConnection(),
                    g.bytesPerConnection()));
        }
        return text.append(String.format(Locale.ROOT, "| (these rows) | | %.0f |%n", total)).toString();
    }
}
