package io.crier.gateway.auth;

import io.crier.protocol.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A set of topic patterns from a token claim. A pattern is an exact topic name, or ends in {@code *} to
 * match every topic that starts with what comes before the star ({@code *} alone matches every topic).
 * A malformed pattern (empty, a {@code *} anywhere but at the end, a character no topic may hold, too
 * long) never matches anything: a token cannot widen its rights with a pattern the server misreads.
 * Immutable and thread-safe.
 */
public final class TopicPatterns {

    /** Matches nothing. */
    public static final TopicPatterns NONE = new TopicPatterns(List.of());

    private final List<String> patterns;
    private final Set<String> exact;
    private final List<String> prefixes;
    private final boolean everything;

    private TopicPatterns(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        // Sized for the commonest claims, one or a few patterns: a session holds these for its lifetime, and every
        // connect builds them.
        List<String> exactTopics = new ArrayList<>(this.patterns.size());
        List<String> topicPrefixes = null;
        boolean all = false;
        for (String pattern : this.patterns) {
            if (Topics.isValid(pattern)) {
                exactTopics.add(pattern);
            } else if (isPrefixPattern(pattern)) {
                String prefix = pattern.substring(0, pattern.length() - 1);
                all |= prefix.isEmpty();
                topicPrefixes = topicPrefixes == null ? new ArrayList<>(2) : topicPrefixes;
                topicPrefixes.add(prefix);
            }
        }
        // Set.copyOf builds a HashSet of its own to drop repeats; one pattern needs none.
        this.exact = exactTopics.size() == 1 ? Set.of(exactTopics.get(0)) : Set.copyOf(exactTopics);
        this.prefixes = topicPrefixes == null ? List.of() : List.copyOf(topicPrefixes);
        this.everything = all;
    }

    /** The patterns of one claim; malformed ones are kept (see {@link #patterns()}) but never match. */
    public static TopicPatterns of(List<String> patterns) {
        return patterns.isEmpty() ? NONE : new TopicPatterns(patterns);
    }

    /**
     * Whether {@code pattern} is well formed: a valid topic name, or one followed by a single trailing {@code *}
     * (or {@code *} alone). A malformed pattern is kept in a claim but never matches.
     */
    static boolean isWellFormed(String pattern) {
        return pattern != null && (Topics.isValid(pattern) || isPrefixPattern(pattern));
    }

    /** Whether some pattern matches {@code topic}. */
    public boolean allows(String topic) {
        if (topic == null) {
            return false;
        }
        if (everything || exact.contains(topic)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (topic.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The patterns, as given. */
    public List<String> patterns() {
        return patterns;
    }

    @Override
    public String toString() {
        return "TopicPatterns" + patterns;
    }

    private static boolean isPrefixPattern(String pattern) {
        int last = pattern.length() - 1;
        if (last < 0 || last >= Topics.MAX_LENGTH || pattern.charAt(last) != '*') {
            return false;
        }
        for (int i = 0; i < last; i++) {
            if (!Topics.isTopicChar(pattern.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
