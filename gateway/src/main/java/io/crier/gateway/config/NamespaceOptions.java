package io.crier.gateway.config;

import io.crier.cluster.HistoryOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The options of one topic namespace (the part of a topic before its first {@code :}): permissions, checked
 * together with the {@code subscribe}/{@code publish} claims of the session's token, and which of history,
 * the {@code history} command, presence and join/leave pushes its topics have. The constructor validates and
 * reports every bad field, named by option; {@link ConfigLoader} checks the same rules first under the full
 * key. Immutable and thread-safe.
 *
 * @param anonymousSubscribe whether anonymous sessions may subscribe to topics of this namespace
 * @param clientPublish      whether clients may publish here; {@code false} means no client may, whatever
 *                           its claims (backends publishing through the broker still can)
 * @param personal           whether the namespace holds personal topics: in namespace {@code N}, topic
 *                           {@code N:<x>} may be subscribed only by the user whose {@code sub} is {@code x}
 *                           (for example {@code user:alice} only by alice)
 * @param historySize        publications kept per topic, {@code 0..}{@value #MAX_HISTORY_SIZE}; 0 means no
 *                           history (no offsets, no recovery)
 * @param historyTtl         how long a publication stays in history, 1s..30d (also how long a topic's whole
 *                           history outlives its last publication)
 * @param historyCommand     whether clients may read history with the {@code history} command
 * @param presence           {@value #PRESENCE_OFF}, {@value #PRESENCE_FULL} (the {@code presence} command lists
 *                           sessions, and counts them) or {@value #PRESENCE_COUNT} (it only counts them)
 * @param joinLeave          whether subscribers get {@code join} and {@code leave} pushes
 * @param autoSubscribe      on a {@code personal} namespace {@code N} only: every authenticated session is
 *                           subscribed to {@code N:<its sub>} when it opens (a server-side subscription)
 * @param hooks              which proxy hooks the namespace's topics and rpc methods go through
 */
public record NamespaceOptions(
        boolean anonymousSubscribe,
        boolean clientPublish,
        boolean personal,
        int historySize,
        Duration historyTtl,
        boolean historyCommand,
        String presence,
        boolean joinLeave,
        boolean autoSubscribe,
        NamespaceHooks hooks) {

    /** The option names, as they appear in {@code namespace.<name>.<option>} keys. */
    public static final Set<String> OPTIONS = Set.of("anonymousSubscribe", "clientPublish", "personal",
            "historySize", "historyTtl", "historyCommand", "presence", "joinLeave", "autoSubscribe", "proxySubscribe",
            "proxyPublish", "proxyRpc");

    /** The largest {@code historySize}. */
    public static final int MAX_HISTORY_SIZE = 100_000;
    /** The shortest {@code historyTtl}. */
    public static final Duration MIN_HISTORY_TTL = Duration.ofSeconds(1);
    /** The longest {@code historyTtl}. */
    public static final Duration MAX_HISTORY_TTL = Duration.ofDays(30);
    /** {@code presence}: not tracked; the {@code presence} command answers {@code not_available}. */
    public static final String PRESENCE_OFF = "off";
    /** {@code presence}: tracked; the command lists sessions, or counts them with {@code countOnly}. */
    public static final String PRESENCE_FULL = "full";
    /** {@code presence}: tracked; the command only counts (for big topics); a list answers {@code not_available}. */
    public static final String PRESENCE_COUNT = "count";
    /** The valid values of {@code presence}. */
    public static final Set<String> PRESENCE_MODES = Set.of(PRESENCE_OFF, PRESENCE_FULL, PRESENCE_COUNT);

    // The historyTtl of the 3-argument constructor: the bundled default, unused while history is off.
    private static final Duration DEFAULT_HISTORY_TTL = Duration.ofMinutes(5);

    /** @throws InvalidConfigException listing every bad field, by option name */
    public NamespaceOptions {
        ConfigProblems problems = new ConfigProblems();
        check(problems, "", historySize, historyTtl, presence);
        checkAutoSubscribe(problems, "", personal, autoSubscribe);
        problems.notNull("hooks", hooks);
        if (hooks != null) {
            NamespaceHooks.check(problems, "", hooks);
        }
        problems.throwIfAny();
    }

    /** Options without {@code autoSubscribe} and without proxy hooks. */
    public NamespaceOptions(boolean anonymousSubscribe, boolean clientPublish, boolean personal, int historySize,
                            Duration historyTtl, boolean historyCommand, String presence, boolean joinLeave) {
        this(anonymousSubscribe, clientPublish, personal, historySize, historyTtl, historyCommand, presence,
                joinLeave, false, NamespaceHooks.NONE);
    }

    /** Options without proxy hooks. */
    public NamespaceOptions(boolean anonymousSubscribe, boolean clientPublish, boolean personal, int historySize,
                            Duration historyTtl, boolean historyCommand, String presence, boolean joinLeave,
                            boolean autoSubscribe) {
        this(anonymousSubscribe, clientPublish, personal, historySize, historyTtl, historyCommand, presence,
                joinLeave, autoSubscribe, NamespaceHooks.NONE);
    }

    /** Options without {@code autoSubscribe}. */
    public NamespaceOptions(boolean anonymousSubscribe, boolean clientPublish, boolean personal, int historySize,
                            Duration historyTtl, boolean historyCommand, String presence, boolean joinLeave,
                            NamespaceHooks hooks) {
        this(anonymousSubscribe, clientPublish, personal, historySize, historyTtl, historyCommand, presence,
                joinLeave, false, hooks);
    }

    /** Permissions only: no history, no presence, no join/leave. */
    public NamespaceOptions(boolean anonymousSubscribe, boolean clientPublish, boolean personal) {
        this(anonymousSubscribe, clientPublish, personal, 0, DEFAULT_HISTORY_TTL, false, PRESENCE_OFF, false);
    }

    /** Whether topics of this namespace keep history (and so carry offsets and support recovery). */
    public boolean historyEnabled() {
        return historySize > 0;
    }

    /** The history bounds of this namespace's topics, or empty when history is off. */
    public Optional<HistoryOptions> historyOptions() {
        return historyEnabled() ? Optional.of(new HistoryOptions(historySize, historyTtl)) : Optional.empty();
    }

    /** Whether presence is tracked for topics of this namespace ({@code full} or {@code count}). */
    public boolean presenceEnabled() {
        return !PRESENCE_OFF.equals(presence);
    }

    /** Whether the {@code presence} command may list sessions (not only count them). */
    public boolean presenceListAllowed() {
        return PRESENCE_FULL.equals(presence);
    }

    /** {@code autoSubscribe} needs {@code personal}: it names the session's own topic of the namespace. */
    static void checkAutoSubscribe(ConfigProblems problems, String keyPrefix, boolean personal, boolean autoSubscribe) {
        problems.check(personal || !autoSubscribe, keyPrefix + "autoSubscribe",
                "needs " + keyPrefix + "personal=true: it subscribes each session to its own personal topic");
    }

    /**
     * Checks the option values that have rules, reporting each problem under {@code keyPrefix} plus the option
     * name (for example {@code namespace.chat.historySize}).
     */
    static void check(ConfigProblems problems, String keyPrefix, int historySize, Duration historyTtl,
                      String presence) {
        problems.range(keyPrefix + "historySize", historySize, 0, MAX_HISTORY_SIZE);
        problems.range(keyPrefix + "historyTtl", historyTtl, MIN_HISTORY_TTL, MAX_HISTORY_TTL);
        problems.check(PRESENCE_MODES.contains(Objects.requireNonNullElse(presence, "")), keyPrefix + "presence",
                "must be off, full or count, got " + presence);
    }
}
