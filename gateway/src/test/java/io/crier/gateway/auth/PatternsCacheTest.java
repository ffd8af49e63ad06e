package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PatternsCache}: the same claim gives the same patterns, within its bounds. */
class PatternsCacheTest {

    private final PatternsCache cache = new PatternsCache();

    @Test
    void theSameClaimGivesTheSamePatternsThatMatchAsAnewOnesWould() {
        TopicPatterns first = cache.of(new ArrayList<>(List.of("news", "chat:*")));
        TopicPatterns second = cache.of(new ArrayList<>(List.of("news", "chat:*")));

        assertSame(first, second);
        assertTrue(second.allows("news"));
        assertTrue(second.allows("chat:lobby"));
        assertFalse(second.allows("sport"));
        assertEquals(List.of("news", "chat:*"), second.patterns());
        assertNotSame(first, cache.of(List.of("chat:*", "news")));
    }

    @Test
    void anEmptyClaimIsNoneAndAnOverlongOneIsNotKept() {
        assertSame(TopicPatterns.NONE, cache.of(List.of()));
        List<String> overlong = Collections.nCopies(PatternsCache.MAX_PATTERNS + 1, "news");

        assertNotSame(cache.of(overlong), cache.of(overlong));
        assertTrue(cache.of(overlong).allows("news"));
        assertEquals(0, cache.size());
    }

    @Test
    void startsAfreshWhenFullSoItNeverHoldsMoreThanItsBound() {
        for (int i = 0; i < PatternsCache.MAX_ENTRIES * 3 + 1; i++) {
            TopicPatterns own = cache.of(List.of("user." + i + ".*"));
            assertTrue(own.allows("user." + i + ".inbox"));
            assertTrue(cache.size() <= PatternsCache.MAX_ENTRIES, "size " + cache.size());
        }
        TopicPatterns kept = cache.of(List.of("role.admin"));
        assertSame(kept, cache.of(List.of("role.admin")));
    }
}
