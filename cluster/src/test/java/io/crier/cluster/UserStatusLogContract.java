package io.crier.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.UserStatusEvent;
import io.crier.protocol.UserStatusEvent.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link UserStatusLog} contract, run against every implementation: one subclass per log provides
 * {@link #newLog}, and how time passes ({@link #advance}: a manual clock moves, real time just runs). The lease is
 * {@link #LEASE} and the grace {@link #GRACE}. Where a test must show that something did <em>not</em> happen once
 * the grace has passed, it waits for a marker user, whose offline was made pending at the same moment, to go
 * offline: a signal that the grace has passed and a sweep has run, rather than a sleep. Order is promised per user
 * only (a Redis log merges its buckets' outboxes), so the tests compare each user's events.
 */
public abstract class UserStatusLogContract {

    protected static final Duration LEASE = Duration.ofMillis(1500);
    protected static final Duration GRACE = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STEP = Duration.ofMillis(100);

    private final List<UserStatusLog> logs = new ArrayList<>();
    private String testId;

    /** A new log with lease {@link #LEASE} and grace {@link #GRACE}, its keys under {@code prefix}, ready to use. */
    protected abstract UserStatusLog newLog(String prefix);

    /** Lets {@code time} pass for the leases (a manual clock moves; a real one needs nothing). */
    protected abstract void advance(Duration time);

    @BeforeEach
    void pickNames() {
        testId = UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeLogs() {
        logs.forEach(UserStatusLog::close);
        logs.clear();
    }

    /** A new log of this test's own, closed after the test. */
    protected UserStatusLog log() {
        UserStatusLog log = newLog("crier-" + testId + ":");
        logs.add(log);
        return log;
    }

    @Test
    void aUsersFirstSessionMakesThemOnlineOnceWhateverTheirOtherSessions() throws Exception {
        UserStatusLog log = log();
        complete(log.open(new UserSession("alice", "s1", "n1")));
        complete(log.open(new UserSession("alice", "s2", "n2")));
        complete(log.open(new UserSession("alice", "s1", "n1")));
        complete(log.open(new UserSession("bob", "s3", "n2")));
        get(log.sweep());

        assertEquals(List.of("alice online n1", "bob online n2"), described(get(log.read("0", 100))));
    }

    @Test
    void theLastSessionsEndMakesTheUserOfflineOnceTheGraceHasPassed() throws Exception {
        UserStatusLog log = log();
        complete(log.open(new UserSession("alice", "s1", "n1")));
        complete(log.end(new UserSession("alice", "s1", "n1")));
        get(log.sweep());
        assertEquals(List.of("alice online n1"), described(get(log.read("0", 100))));

        List<UserStatusEvent> events = sweepUntil(log, all -> all.size() == 2);

        assertEquals(List.of("alice online n1", "alice offline n1"), described(events));
        assertTrue(events.get(1).seq() > events.get(0).seq(), "seq increases per user");
        assertTrue(StatusLogId.parse(events.get(1).id()).compareTo(StatusLogId.parse(events.get(0).id())) > 0);
        assertTrue(events.get(1).timestamp() >= events.get(0).timestamp());
    }

    @Test
    void aReconnectWithinTheGraceAppendsNeitherOfflineNorOnline() throws Exception {
        UserStatusLog log = log();
        complete(log.open(new UserSession("alice", "s1", "n1")));
        complete(log.open(new UserSession("marker", "m1", "n1")));
        complete(log.end(new UserSession("alice", "s1", "n1")));
        complete(log.end(new UserSession("marker", "m1", "n1")));
        complete(log.open(new UserSession("alice", "s2", "n2")));

        List<UserStatusEvent> events = sweepUntil(log, offline("marker"));

        assertEquals(List.of("alice online n1", "marker online n1", "marker offline n1"), described(events));
    }

    @Test
    void aUserWithSessionsOnTwoNodesGoesOfflineOnlyAfterBothEnd() throws Exception {
        UserStatusLog log = log();
        complete(log.open(new UserSession("alice", "s1", "n1")));
        complete(log.open(new UserSession("alice", "s2", "n2")));
        complete(log.open(new UserSession("marker", "m1", "n1")));
        complete(log.end(new UserSession("alice", "s1", "n1")));
        complete(log.end(new UserSession("marker", "m1", "n1")));
        sweepUntil(log, offline("marker"), List.of(new UserSession("alice", "s2", "n2")));
        assertEquals(List.of("alice online n1", "marker online n1", "marker offline n1"),
                described(get(log.read("0", 100))));

        complete(log.end(new UserSession("alice", "s2", "n2")));

        List<UserStatusEvent> events = sweepUntil(log, offline("alice"));
        assertEquals("alice offline n2", describe(events.get(events.size() - 1)));
    }

    @Test
    void aLeaseThatIsNotRenewedLapsesAndItsUserGoesOfflineAfterTheGrace() throws Exception {
        UserStatusLog log = log();
        complete(log.open(new UserSession("crashed", "s1", "n1")));
        complete(log.open(new UserSession("alive", "s2", "n2")));

        List<UserStatusEvent> events = sweepUntil(log, offline("crashed"), List.of(new UserSession("alive", "s2", "n2")));

        assertEquals(List.of("alive online n2", "crashed online n1", "crashed offline n1"), described(events));
    }

    @Test
    void aRenewalOfAnUnknownSessionAddsItsLease() throws Exception {
        UserStatusLog log = log();
        complete(log.renew(List.of(new UserSession("alice", "s1", "n1"), new UserSession("bob", "s2", "n1"))));
        complete(log.end(new UserSession("nobody", "s9", "n1")));
        get(log.sweep());

        assertEquals(List.of("alice online n1", "bob online n1"), described(get(log.read("0", 100))));
    }

    @Test
    void aSessionIdTakenOverByAnotherUserOrNodeEndsTheOldLease() throws Exception {
        UserStatusLog log = log();
        // A node restarted under the same id counts its sessions from 1 again while its old leases still live. bob18
        // shares alice's bucket in Redis (CRC-32 % 16), so there the new lease meets the old one: bob18's online
        // shows that it was not taken for a renewal of alice's.
        complete(log.open(new UserSession("alice", "n1-1", "n1")));
        complete(log.open(new UserSession("bob18", "n1-1", "n1")));
        complete(log.renew(List.of(new UserSession("bob18", "n1-1", "n1"))));
        complete(log.open(new UserSession("bob18", "n1-1", "n1-again")));

        List<UserStatusEvent> events = sweepUntil(log, offline("alice"),
                List.of(new UserSession("bob18", "n1-1", "n1-again")));

        assertEquals(List.of("alice online n1", "alice offline n1", "bob18 online n1"), described(events));
        complete(log.end(new UserSession("bob18", "n1-1", "n1-again")));
        assertEquals("bob18 offline n1-again", describe(sweepUntil(log, offline("bob18")).get(3)));
    }

    @Test
    void readsAfterAnIdWithALimit() throws Exception {
        UserStatusLog log = log();
        for (int i = 0; i < 5; i++) {
            complete(log.open(new UserSession("user" + i, "s" + i, "n1")));
        }
        get(log.sweep());
        List<UserStatusEvent> all = get(log.read("0", 100));
        assertEquals(5, all.size());

        assertEquals(all.subList(2, 4), get(log.read(all.get(1).id(), 2)));
        assertEquals(List.of(), get(log.read(all.get(4).id(), 100)));
        assertEquals(List.of(), get(log.read("0", 0)));
    }

    @Test
    void userIdsWithQuotesNewlinesAndAnyCharacterComeBackAsTheyWere() throws Exception {
        UserStatusLog log = log();
        String odd = "bob\n\"quoted\" \\ Ä 🦀 {x}";
        complete(log.open(new UserSession(odd, "s1", "n1")));
        get(log.sweep());

        assertEquals(odd, get(log.read("0", 100)).get(0).user());
    }

    /** Sweeps (renewing {@code live} first, as their node's heartbeat would) until the whole log matches. */
    protected List<UserStatusEvent> sweepUntil(UserStatusLog log, Predicate<List<UserStatusEvent>> done,
                                               List<UserSession> live) {
        List<List<UserStatusEvent>> seen = new ArrayList<>(List.of(List.of()));
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
            advance(STEP);
            if (!live.isEmpty()) {
                complete(log.renew(live));
            }
            get(log.sweep());
            seen.set(0, get(log.read("0", 100)));
            return done.test(seen.get(0));
        });
        return seen.get(0);
    }

    protected List<UserStatusEvent> sweepUntil(UserStatusLog log, Predicate<List<UserStatusEvent>> done) {
        return sweepUntil(log, done, List.of());
    }

    protected static Predicate<List<UserStatusEvent>> offline(String user) {
        return events -> events.stream().anyMatch(event -> event.user().equals(user) && event.type() == Type.OFFLINE);
    }

    /** The events described, grouped by user (stably: each user's in log order), since order is per user only. */
    protected static List<String> described(List<UserStatusEvent> events) {
        return events.stream().sorted(Comparator.comparing(UserStatusEvent::user))
                .map(UserStatusLogContract::describe).toList();
    }

    protected static String describe(UserStatusEvent event) {
        return event.user() + " " + event.type().wire() + " " + event.node();
    }

    public static void complete(CompletionStage<?> stage) throws Exception {
        get(stage);
    }

    public static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
