package io.crier.gateway.config;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The merged raw values of every key, read as typed values. A value that does not parse is reported to
 * the shared {@link ConfigProblems} as {@code key: not a duration: 5x} (or {@code not an integer}), and
 * the section that needed it is not built, so that it is not reported twice. Not thread-safe: one
 * instance per load.
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

    Duration duration(String key) {
        String text = string(key);
        return Durations.parse(text).orElseGet(() -> {
            problems.add(key, "not a duration: " + text + " (use e.g. 250ms, 5s, 2m, 1h)");
            sectionFailed = true;
            return Duration.ZERO;
        });
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
