package io.crier.gateway.config;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The online/offline events of users ({@code io.crier.gateway.online}): whether a node writes them, where, and
 * with which times. Each node renews a lease for each of its authenticated sessions every {@code refreshInterval};
 * a lease not renewed for {@code leaseTtl} (its node died) lapses; a user whose last lease ended goes offline once
 * {@code grace} has passed without a new one; a sweep every {@code sweepInterval} finds both. The constructor
 * validates and reports every bad field by key. Immutable and thread-safe.
 *
 * @param enabled         {@code events.enabled}: whether this node writes the events
 * @param stream          {@code events.stream}: the stream's Redis key after {@code redis.prefix}; 1..200 of
 *                        {@code A-Z a-z 0-9 : . _ -} (no braces: the stream keeps a hash slot of its own)
 * @param maxLen          {@code events.maxLen}: the stream's approximate length bound ({@code XADD MAXLEN ~});
 *                        1..100000000
 * @param grace           {@code events.grace}: how long an offline waits for the user to come back; 0..10m
 * @param leaseTtl        {@code events.leaseTtl}: how long a session's lease outlives its node's last renewal;
 *                        1s..1h
 * @param refreshInterval {@code events.refreshInterval}: how often a node renews its leases; 100ms..10m and less
 *                        than half of {@code leaseTtl}, so that one late renewal does not make a live user offline
 * @param sweepInterval   {@code events.sweepInterval}: how often a node tries to sweep (one node of a fleet does);
 *                        100ms..1m
 */
public record EventsConfig(boolean enabled, String stream, int maxLen, Duration grace, Duration leaseTtl,
                           Duration refreshInterval, Duration sweepInterval) {

    private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9:._-]{1,200}");
    /** The sweeper lock outlives its holder's last sweep by this many sweep intervals. */
    private static final int LOCK_SWEEPS = 3;

    /** @throws InvalidConfigException listing every bad field */
    public EventsConfig {
        ConfigProblems problems = new ConfigProblems();
        problems.check(stream != null && STREAM.matcher(stream).matches(), "events.stream",
                "must be 1..200 of A-Z a-z 0-9 : . _ -");
        problems.range("events.maxLen", maxLen, 1, 100_000_000);
        problems.range("events.grace", grace, Duration.ZERO, Duration.ofMinutes(10));
        problems.range("events.leaseTtl", leaseTtl, Duration.ofSeconds(1), Duration.ofHours(1));
        problems.range("events.refreshInterval", refreshInterval, Duration.ofMillis(100), Duration.ofMinutes(10));
        if (leaseTtl != null && refreshInterval != null) {
            problems.check(refreshInterval.multipliedBy(2).compareTo(leaseTtl) < 0, "events.refreshInterval",
                    "must be less than half of events.leaseTtl (" + Durations.format(leaseTtl) + "), got "
                            + Durations.format(refreshInterval));
        }
        problems.range("events.sweepInterval", sweepInterval, Duration.ofMillis(100), Duration.ofMinutes(1));
        problems.throwIfAny();
    }

    /** How long the sweeper lock outlives its holder's last sweep: {@value #LOCK_SWEEPS} sweep intervals. */
    public Duration lockTtl() {
        return sweepInterval.multipliedBy(LOCK_SWEEPS);
    }

    /**
     * The longest a user of a node killed without a word stays online: the lease, two sweeps (one lapses the lease,
     * the next appends the offline) and the grace, plus the lock's time when the killed node was the sweeper.
     */
    public Duration offlineBound() {
        return leaseTtl.plus(sweepInterval.multipliedBy(2)).plus(grace).plus(lockTtl());
    }
}
