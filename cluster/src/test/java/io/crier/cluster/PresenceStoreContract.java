package io.crier.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.PresenceStore.TopicPresence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link PresenceStore} contract, run against every implementation: one subclass per store provides
 * {@link #newStore(Duration)}, its lease for the expiry tests ({@link #ttl()}) and how time passes
 * ({@link #advance}: a manual clock moves, real time just runs). Each test uses its own topic names, so
 * subclasses may share a backend.
 */
public abstract class PresenceStoreContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final List<PresenceStore> stores = new ArrayList<>();
    private String testId;

    /** A new store with lease {@code ttl}, ready to use; the suite closes it. */
    protected abstract PresenceStore newStore(Duration ttl);

    /** The lease the expiry tests use: short where time is real. */
    protected abstract Duration ttl();

    /** Lets {@code time} pass for the leases (a manual clock moves; a real one needs nothing). */
    protected abstract void advance(Duration time);

    @BeforeEach
    void pickTopicNames() {
        testId = UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeStores() {
        stores.forEach(PresenceStore::close);
        stores.clear();
    }

    /** A topic name that no other test uses. */
    protected String topic(String name) {
        return name + "." + testId;
    }

    /** A new store with the test lease, closed after the test. */
    protected PresenceStore store() {
        PresenceStore store = newStore(ttl());
        stores.add(store);
        return store;
    }

    @Test
    void listsAddedSessionsWithUserNodeAndInfo() throws Exception {
        PresenceStore store = store();
        String room = topic("chat:room");
        complete(store.add(room, entry("s1", "alice", "n1", "{\"name\":\"Alice \\\"A\\\" Ä\"}")));
        complete(store.add(room, entry("s2", "bob\n\"quoted\"", "n2", null)));

        assertEquals(List.of("s1|alice|n1|{\"name\":\"Alice \\\"A\\\" Ä\"}", "s2|bob\n\"quoted\"|n2|null"),
                sorted(described(get(store.list(room, 100)))));
    }

    @Test
    void countsSessionsAndDistinctUsersWithoutAnonymousOnes() throws Exception {
        PresenceStore store = store();
        String room = topic("chat:room");
        complete(store.add(room, entry("s1", "alice", "n1", null)));
        complete(store.add(room, entry("s2", "alice", "n2", null)));
        complete(store.add(room, entry("s3", "bob", "n1", null)));
        complete(store.add(room, entry("s4", "", "n1", null)));

        assertEquals(new PresenceCount(4, 2), get(store.count(room)));
    }

    @Test
    void removedSessionIsNoLongerListedOrCounted() throws Exception {
        PresenceStore store = store();
        String room = topic("chat:room");
        complete(store.add(room, entry("s1", "alice", "n1", null)));
        complete(store.add(room, entry("s2", "alice", "n1", null)));
        complete(store.add(room, entry("s3", "bob", "n1", null)));

        complete(store.remove(room, "s3"));
        complete(store.remove(room, "s1"));
        complete(store.remove(room, "never-added"));

        assertEquals(List.of("s2|alice|n1|null"), described(get(store.list(room, 100))));
        assertEquals(new PresenceCount(1, 1), get(store.count(room)));
    }

    @Test
    void addingTheSameSessionAgainReplacesItsEntry() throws Exception {
        PresenceStore store = store();
        String room = topic("chat:room");
        complete(store.add(room, entry("s1", "alice", "n1", "{\"v\":1}")));
        complete(store.add(room, entry("s1", "alice", "n1", "{\"v\":2}")));

        assertEquals(List.of("s1|alice|n1|{\"v\":2}"), described(get(store.list(room, 100))));
        assertEquals(new PresenceCount(1, 1), get(store.count(room)));
    }

    @Test
    void topicsAreIndependent() throws Exception {
        PresenceStore store = store();
        complete(store.add(topic("a"), entry("s1", "alice", "n1", null)));

        assertEquals(List.of(), get(store.list(topic("b"), 100)));
        assertEquals(new PresenceCount(0, 0), get(store.count(topic("b"))));
    }

    @Test
    void listReturnsAtMostTheLimit() throws Exception {
        PresenceStore store = store();
        String room = topic("big");
        for (int i = 0; i < 5; i++) {
            complete(store.add(room, entry("s" + i, "user" + i, "n1", null)));
        }

        assertEquals(3, get(store.list(room, 3)).size());
        assertEquals(5, get(store.list(room, 10)).size());
        assertEquals(List.of(), get(store.list(room, 0)));
        assertEquals(new PresenceCount(5, 5), get(store.count(room)));
    }

    @Test
    void entryExpiresWhenItsLeaseIsNotRefreshed() throws Exception {
        PresenceStore store = store();
        String room = topic("lapse");
        complete(store.add(room, entry("s1", "alice", "n1", null)));

        advance(ttl().plusMillis(1));

        await().atMost(ttl().plus(TIMEOUT)).until(() -> get(store.count(room)).equals(new PresenceCount(0, 0)));
        assertEquals(List.of(), get(store.list(room, 100)));
    }

    @Test
    void refreshKeepsEntriesAliveWhileUnrefreshedOnesExpire() throws Exception {
        PresenceStore store = store();
        String room = topic("heartbeat");
        PresenceEntry kept = entry("kept", "alice", "n1", null);
        complete(store.add(room, kept));
        complete(store.add(room, entry("lapsed", "bob", "n2", null)));

        // Each poll is one heartbeat, a quarter lease apart: "kept" must be there at every one of them.
        await().atMost(ttl().multipliedBy(3).plus(TIMEOUT)).pollInterval(Duration.ofMillis(100)).until(() -> {
            advance(ttl().dividedBy(4));
            complete(store.refresh(List.of(new TopicPresence(room, kept))));
            List<String> present = described(get(store.list(room, 100)));
            assertTrue(present.contains("kept|alice|n1|null"), "refreshed entry missing: " + present);
            return present.size() == 1;
        });
        assertEquals(new PresenceCount(1, 1), get(store.count(room)));
    }

    @Test
    void refreshAddsBackAnEntryThatLapsed() throws Exception {
        PresenceStore store = store();
        String room = topic("heal");
        PresenceEntry paused = entry("s1", "alice", "n1", "{\"v\":1}");
        complete(store.add(room, paused));
        advance(ttl().plusMillis(1));
        await().atMost(ttl().plus(TIMEOUT)).until(() -> get(store.count(room)).sessions() == 0);

        complete(store.refresh(List.of(new TopicPresence(room, paused))));

        assertEquals(List.of("s1|alice|n1|{\"v\":1}"), described(get(store.list(room, 100))));
        assertEquals(new PresenceCount(1, 1), get(store.count(room)));
    }

    @Test
    void refreshCoversManyTopicsAndSessionsInOneCall() throws Exception {
        PresenceStore store = store();
        List<TopicPresence> all = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
            for (int s = 0; s < (t == 0 ? 450 : 2); s++) {
                all.add(new TopicPresence(topic("t" + t), entry("s" + t + "-" + s, "u" + s, "n1", null)));
            }
        }

        complete(store.refresh(all));

        assertEquals(new PresenceCount(450, 450), get(store.count(topic("t0"))));
        assertEquals(new PresenceCount(2, 2), get(store.count(topic("t39"))));
    }

    @Test
    void closedStoreFailsWithUnavailable() {
        PresenceStore store = store();
        store.close();

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> complete(store.add(topic("x"), entry("s1", "alice", "n1", null))));
        assertInstanceOf(BrokerUnavailableException.class, failure.getCause());
    }

    public static PresenceEntry entry(String session, String user, String node, String info) {
        return new PresenceEntry(session, user, node, info == null ? null : info.getBytes(StandardCharsets.UTF_8));
    }

    /** Entries as comparable text: {@code session|user|node|info}. */
    public static List<String> described(List<PresenceEntry> entries) {
        return entries.stream().map(e -> e.sessionId() + "|" + e.user() + "|" + e.node() + "|"
                + (e.info() == null ? "null" : new String(e.info(), StandardCharsets.UTF_8))).toList();
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
    }

    public static void complete(CompletionStage<?> stage) throws Exception {
        get(stage);
    }

    public static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
