package io.crier.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.memory.InMemoryBroker;
import io.crier.cluster.memory.InMemoryHistoryStore;
import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.gateway.hub.GatedBroker;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.HubBuilder;
import io.crier.gateway.hub.RecordingEvictor;
import io.crier.gateway.hub.RecordingFanout;
import io.crier.gateway.hub.TestSubscriber;
import io.crier.gateway.permission.TopicPolicy;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.Position;
import io.crier.protocol.Push;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Server-side subscriptions of a {@link Session}: the token's {@code topics} and the personal namespace's
 * {@code autoSubscribe} at open, recovery from the auth's {@code since}, the server API's subscribe and unsubscribe,
 * and a broker that fails.
 */
class SessionServerSubscriptionTest {

    private static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");
    /** No subscribe claim at all: server-side topics need none. */
    private static final User ALICE = new User("alice", TopicPatterns.NONE, TopicPatterns.NONE, LATER, null,
            List.of("orders:42", "feed:1"), null, null);

    private final InMemoryBroker broker = new InMemoryBroker();
    private final InMemoryHistoryStore store = new InMemoryHistoryStore(broker);
    private final RecordingFanout fanout = new RecordingFanout();
    private final NamespacesConfig namespaces = new NamespacesConfig(new NamespaceOptions(false, true, false),
            Map.of("user", new NamespaceOptions(false, true, true, 0, Duration.ofMinutes(1), false,
                            NamespaceOptions.PRESENCE_OFF, false, true),
                    "feed", new NamespaceOptions(false, true, false, 100, Duration.ofMinutes(1), false,
                            NamespaceOptions.PRESENCE_OFF, false),
                    "inbox", new NamespaceOptions(false, true, true)));
    private final Hub hub = HubBuilder.on(broker).history(store, namespaces, 100, new RecordingEvictor())
            .fanout(fanout).build();
    private final SessionPolicy policy = policy(4);
    private final RecordingPushes pushes = new RecordingPushes();

    SessionServerSubscriptionTest() {
        broker.start(hub);
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void aSessionWithoutServerSideTopicsOpensAtOnceWithNothing() throws Exception {
        Session session = session(User.ANONYMOUS, hub, policy);

        CompletionStage<Boolean> opened = session.openServerSubscriptions(Map.of());

        assertTrue(opened.toCompletableFuture().isDone());
        assertTrue(get(opened));
        assertTrue(get(session.openServerSubscriptions(Map.of()))); // again: each caller's own stage
        assertTrue(session.topics().isEmpty());
        assertTrue(pushes.sent.isEmpty());
    }

    @Test
    void opensWithTheTokenTopicsAndTheOwnPersonalTopicWithoutAnySubscribeClaim() throws Exception {
        Session session = session(ALICE, hub, policy);

        assertTrue(get(session.openServerSubscriptions(Map.of())));

        assertEquals(Set.of("orders:42", "feed:1", "user:alice"), session.topics());
        assertEquals(3, pushes.sent.size());
        assertTrue(pushes.sent.containsAll(List.of(new Push.Subscribed("orders:42"), new Push.Subscribed("user:alice"))));
        Push.Subscribed feed = (Push.Subscribed) pushes.sent.stream()
                .filter(push -> ((Push.Subscribed) push).topic().equals("feed:1")).findFirst().orElseThrow();
        assertEquals(0, feed.position().offset(), "a history topic's push carries its position");
    }

    @Test
    void anAnonymousSessionGetsNoPersonalTopic() {
        assertEquals(List.of(), new TopicPolicy(namespaces).serverTopics(User.ANONYMOUS));
        assertEquals(List.of("orders:42", "feed:1", "user:alice"), new TopicPolicy(namespaces).serverTopics(ALICE));
    }

    @Test
    void recoversAHistoryTopicFromTheAuthSinceAndReplaysOnlyAfterThePush() throws Exception {
        Position third = publish("feed:1", 3);
        List<Integer> deliveredWhenPushed = new ArrayList<>();
        Session session = session(new User("bob", TopicPatterns.NONE, TopicPatterns.NONE, LATER, null,
                List.of("feed:1"), null, null), hub, policy);
        pushes.onSend = push -> {
            if (((Push.Subscribed) push).topic().equals("feed:1")) {
                deliveredWhenPushed.add(fanout.deliveries().size());
            }
        };

        assertTrue(get(session.openServerSubscriptions(Map.of("feed:1", new Position(1, third.epoch()),
                "elsewhere", new Position(9, "x")))));

        assertEquals(Set.of(new Push.Subscribed("feed:1", true, third), new Push.Subscribed("user:bob")),
                Set.copyOf(pushes.sent));
        assertEquals(List.of(0), deliveredWhenPushed, "nothing is replayed before the push is written");
        assertEquals(2, fanout.deliveries().size(), "offsets 2 and 3 follow the push");
    }

    @Test
    void aBrokerThatFailsLeavesTheSessionWithNoneOfThemAndNoPush() throws Exception {
        GatedBroker gated = new GatedBroker();
        Hub gatedHub = HubBuilder.on(gated).fanout(fanout).build();
        gated.start(gatedHub);
        gated.hold();
        Session session = session(new User("carol", TopicPatterns.NONE, TopicPatterns.NONE, LATER, null,
                List.of("a", "b"), null, null), gatedHub, policy);

        CompletionStage<Boolean> opened = session.openServerSubscriptions(Map.of());
        gated.failAll();

        assertFalse(get(opened));
        assertEquals(Set.of(), session.topics());
        assertEquals(List.of(), pushes.sent);
        assertEquals(0, gatedHub.topicCount());
        gated.close();
    }

    @Test
    void theServerApiSubscribesAndUnsubscribesALiveSessionFromAnotherThread() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor();
        RecordingPushes onLoop = new RecordingPushes(loop);
        Session session = new Session("s-9", ALICE, new TestSubscriber("s-9"), hub, policy);
        session.sendPushesTo(onLoop);
        try {
            assertEquals(ServerSubscribe.SUBSCRIBED, get(session.subscribeFromServer("orders:7", null)));
            assertEquals(ServerSubscribe.ALREADY_SUBSCRIBED, get(session.subscribeFromServer("orders:7", null)));
            assertTrue(get(session.unsubscribeFromServer("orders:7")));
            assertFalse(get(session.unsubscribeFromServer("orders:7")));

            assertEquals(List.of(new Push.Subscribed("orders:7"), new Push.Unsubscribed("orders:7")), onLoop.sent);
            assertTrue(onLoop.threads.stream().allMatch(name -> name.equals(onLoop.loopThread)), onLoop.threads::toString);
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void theTopicLimitHoldsForServerSideSubscribesAndAClientSubscribeFindsThemTaken() throws Exception {
        Session session = session(ALICE, hub, policy(1));

        assertEquals(ServerSubscribe.SUBSCRIBED, get(session.subscribeFromServer("orders:1", null)));
        assertEquals(ServerSubscribe.TOO_MANY_TOPICS, get(session.subscribeFromServer("orders:2", null)));
        Reply reply = get(session.handle(new Command.Subscribe(CommandId.of(3), "orders:1")));

        assertEquals(ErrorCode.FORBIDDEN, ((Reply.Error) reply).code(), "a client subscribe still needs its claim");
        assertEquals(List.of(new Push.Subscribed("orders:1")), pushes.sent);
    }

    @Test
    void aClosedSessionTakesNothing() throws Exception {
        Session session = session(ALICE, hub, policy);
        session.close();

        assertEquals(ServerSubscribe.CLOSED, get(session.subscribeFromServer("orders:1", null)));
        assertFalse(get(session.unsubscribeFromServer("orders:1")));
        assertEquals(List.of(), pushes.sent);
    }

    private Session session(User user, Hub on, SessionPolicy sessionPolicy) {
        Session session = new Session("s-1", user, new TestSubscriber("s-1"), on, sessionPolicy);
        session.sendPushesTo(pushes);
        return session;
    }

    private SessionPolicy policy(int maxTopics) {
        return new SessionPolicy(maxTopics, new TopicPolicy(namespaces), token -> ALICE, false,
                new TokenLifetime.Settings(Clock.systemUTC(), Duration.ofSeconds(60), Duration.ofSeconds(25)));
    }

    private Position publish(String topic, int count) throws Exception {
        Position last = null;
        for (int i = 1; i <= count; i++) {
            last = get(hub.publish(topic, RawJson.trusted(Integer.toString(i))));
        }
        return last;
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Records the pushes a session sends, and on which thread; runs tasks inline or on one executor. */
    private static final class RecordingPushes implements PushChannel {
        final List<Push> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        final ExecutorService loop;
        volatile String loopThread;
        java.util.function.Consumer<Push> onSend = push -> { };

        RecordingPushes() {
            this(null);
        }

        RecordingPushes(ExecutorService loop) {
            this.loop = loop;
        }

        @Override
        public boolean execute(Runnable task) {
            if (loop == null) {
                task.run();
            } else {
                loop.execute(() -> {
                    loopThread = Thread.currentThread().getName();
                    task.run();
                });
            }
            return true;
        }

        @Override
        public void send(Push push) {
            threads.add(Thread.currentThread().getName());
            onSend.accept(push);
            sent.add(push);
        }
    }
}
