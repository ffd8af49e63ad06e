package io.crier.gateway.auth;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One {@link TopicPatterns} per distinct claim, shared by every user whose token carries the same {@code subscribe}
 * or {@code publish} list (role-like claims: many users, few lists), instead of one copy per session (about 140
 * bytes for a one-pattern claim: the patterns object, its lists and sets, the pattern's string).
 *
 * <p>Bounded: it holds at most {@link #MAX_ENTRIES} claims of at most {@link #MAX_PATTERNS} patterns each, and starts
 * afresh when full, so that tokens whose claims are all different (a user's own prefix in each) cost what they
 * cost without it, plus this bounded table. A claim read from it is the same as one made anew: {@link TopicPatterns}
 * is immutable.
 *
 * <p>Thread-safe.
 */
final class PatternsCache {

    /** The most distinct claims kept. */
    static final int MAX_ENTRIES = 512;
    /** The longest claim kept; longer ones are made anew each time. */
    static final int MAX_PATTERNS = 16;

    private final ConcurrentMap<List<String>, TopicPatterns> shared = new ConcurrentHashMap<>();

    /** The patterns of {@code claim}: a shared instance when one is known, else a new one, kept when it fits. */
    TopicPatterns of(List<String> claim) {
        if (claim.isEmpty() || claim.size() > MAX_PATTERNS) {
            return TopicPatterns.of(claim);
        }
        TopicPatterns known = shared.get(claim);
        if (known != null) {
            return known;
        }
        TopicPatterns made = TopicPatterns.of(claim);
        if (shared.size() >= MAX_ENTRIES) {
            shared.clear();
        }
        TopicPatterns raced = shared.putIfAbsent(made.patterns(), made);
        return raced == null ? made : raced;
    }

    /** The claims kept now. */
    int size() {
        return shared.size();
    }
}
