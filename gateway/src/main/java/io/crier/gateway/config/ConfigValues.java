package io.crier.gateway.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The merged raw values of every key, read as typed values. A value that does not parse is reported to
 * the shared {@link ConfigProblems} as {@code key: not a duration: 5x} (or {@code not an integer},
 * {@code not a boolean}), and the section that needed it is not built, so that it is not reported twice.
 * Not thread-safe: one instance per load.
 */
final class ConfigValues {

    private final Map<String, String> values;
    private final ConfigProblems problems;
    private boolean sectionFailed;

    ConfigValues(Map<String, String> values, ConfigProblems problems) {
        this.values = values;
        this.problems = problems;
    }

    String string(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalStateException("no bundled default for " + key);
        }
        return value;
    }

    /** Whether {@code key} has a value (every bundled key has; a dynamic key only when it was set). */
    boolean has(String key) {
        return values.containsKey(key);
    }

    int integer(String key) {
        String text = string(key);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            // Reported with every other problem; the section is then skipped.
            problems.add(key, "not an integer: " + text);
            sectionFailed = true;
            return 0;
        }
    }

    boolean bool(String key) {
        return bool(key, string(key));
    }

    /** Parses {@code text}, the value of {@code key}: {@code true} or {@code false}, in any case. */
    boolean bool(String key, String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                problems.add(key, "not a boolean: " + text + " (use true or false)");
                sectionFailed = true;
                return false;
        }
    }

    /** A comma-separated list; blanks around entries and empty entries are dropped. */
    List<String> list(String key) {
        return Arrays.stream(string(key).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Every key that starts with {@code prefix}, with its value, sorted by key. */
    Map<String, String> withPrefix(String prefix) {
        Map<String, String> found = new TreeMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                found.put(key, value);
            }
        });
        return found;
    }

    Duration duration(String key) {
        String text = string(key);
        return Durations.parse(text).orElseGet(() -> {
            problems.add(key, "not a duration: " + text + " (use e.g. 250ms, 5s, 2m, 1h, 30d)");
            sectionFailed = true;
            return Duration.ZERO;
        });
    }

    /** Reports a problem that does not stop the current section from being built (for example a bad key). */
    void report(String key, String problem) {
        problems.add(key, problem);
    }

    /**
     * Builds one config record from these values, or returns {@code null} after recording why not:
     * a value of the section did not parse, or the record's constructor found problems.
     */
    <T> T section(Supplier<T> record) {
        sectionFailed = false;
        ConfigProblems own = new ConfigProblems();
        T built = own.collect(record);
        if (sectionFailed) {
            return null;
        }
        problems.addAll(own.list());
        return built;
    }
}
