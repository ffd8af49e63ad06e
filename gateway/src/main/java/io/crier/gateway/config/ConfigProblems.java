package io.crier.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Collects configuration problems as {@code key: what is wrong}, so that one start reports every bad
 * key at once. Used by the record constructors and by {@link ConfigLoader}. Not thread-safe: one
 * instance per validation.
 */
final class ConfigProblems {

    private final List<String> problems = new ArrayList<>();

    void add(String key, String problem) {
        problems.add(key + ": " + problem);
    }

    void addAll(List<String> more) {
        problems.addAll(more);
    }

    List<String> list() {
        return List.copyOf(problems);
    }

    void check(boolean ok, String key, String problem) {
        if (!ok) {
            add(key, problem);
        }
    }

    void notBlank(String key, String value) {
        check(value != null && !value.isBlank(), key, "must not be empty");
    }

    void notNull(String key, Object value) {
        check(value != null, key, "must be set");
    }

    void range(String key, long value, long min, long max) {
        check(value >= min && value <= max, key, "must be " + min + ".." + max + ", got " + value);
    }

    void range(String key, Duration value, Duration min, Duration max) {
        if (value == null) {
            add(key, "must be set");
        } else if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            add(key, "must be " + Durations.format(min) + ".." + Durations.format(max)
                    + ", got " + Durations.format(value));
        }
    }

    /** Builds a record, moving the problems its constructor reports into this collection. */
    <T> T collect(Supplier<T> record) {
        try {
            return record.get();
        } catch (InvalidConfigException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
    }
}
