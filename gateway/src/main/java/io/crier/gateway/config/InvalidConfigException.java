package io.crier.gateway.config;

import java.util.List;

/** The configuration is invalid; the message lists every problem, one per line, by key path. */
public final class InvalidConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public InvalidConfigException(List<String> problems) {
        super("invalid configuration:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, as {@code key: what is wrong}. */
    public List<String> problems() {
        return problems;
    }
}
