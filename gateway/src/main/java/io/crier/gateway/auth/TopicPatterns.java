package io.crier.gateway.auth;

import java.util.List;

/**
 * A set of topic patterns from a token claim. A pattern is an exact topic name, or ends in {@code *} to
 * match every topic that starts with what comes before the star ({@code *} alone matches every topic).
 * Immutable and thread-safe. (Skeleton: the implementation lands with the auth work.)
 */
public final class TopicPatterns {

    /** Matches nothing. */
    public static final TopicPatterns NONE = new TopicPatterns(List.of());

    private final List<String> patterns;

    private TopicPatterns(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** The patterns of one claim. */
    public static TopicPatterns of(List<String> patterns) {
        return patterns.isEmpty() ? NONE : new TopicPatterns(patterns);
    }

    /** Whether some pattern matches {@code topic}. */
    public boolean allows(String topic) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The patterns, as given. */
    public List<String> patterns() {
        return patterns;
    }
}
