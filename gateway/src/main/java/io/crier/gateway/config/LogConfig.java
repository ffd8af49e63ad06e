package io.crier.gateway.config;

import java.util.Set;

/**
 * How the node writes its log (key {@code log.format}): {@code text} (one human-readable line per event) or
 * {@code json} (one JSON object per line, with the node id and, around session events, the session id). The
 * constructor validates. Immutable and thread-safe.
 */
public record LogConfig(String format) {

    public static final String TEXT = "text";
    public static final String JSON = "json";

    /** @throws InvalidConfigException when the format is neither text nor json */
    public LogConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.check(format != null && Set.of(TEXT, JSON).contains(format), "log.format", "must be text or json");
        problems.throwIfAny();
    }

    /** Whether lines are JSON objects. */
    public boolean json() {
        return JSON.equals(format);
    }
}
