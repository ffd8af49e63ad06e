package io.crier.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.crier.cluster.memory.InMemoryBroker;
import io.crier.cluster.memory.InMemoryHistoryStore;
import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
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
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionHistoryTest {

    private static final User ALICE = new User("alice", TopicPatterns.of(List.of("*")),
            TopicPatterns.of(List.of("*")), Instant.parse("2030-01-01T00:00:00Z"));
    private static final User BOB = new User("bob", TopicPatterns.of(List.of("other")),
            TopicPatterns.of(List.of()), Instant.parse("2030-01-01T00:00:00Z"));

    private final InMemoryBroker broker = new InMemoryBroker();
    private final InMemoryHistoryStore store = new InMemoryHistoryStore(broker);
    private final RecordingFanout fanout = new RecordingFanout();
    private final NamespacesConfig namespaces = new NamespacesConfig(history(true), Map.of(
            "plain", new NamespaceOptions(false, true, false), "sealed", history(false)));
    private final Hub hub = HubBuilder.on(broker).history(store, namespaces, 100, new RecordingEvictor())
            .fanout(fanout).build();
    private final SessionPolicy policy = new SessionPolicy(8, new TopicPolicy(namespaces),
            token -> ALICE, false, new TokenLifetime.Settings(Clock.systemUTC(), Duration.ofSeconds(60),
            Duration.ofSeconds(25)));
    private final TestSubscriber subscriber = new TestSubscriber("s-1");

    SessionHistoryTest() {
        broker.start(hub);
    }

    @AfterEach
    void close() {
        broker.close();
    }

    private static NamespaceOptions history(boolean command) {
        return new NamespaceOptions(false, true, false, 100, Duration.ofMinutes(1), command,
                NamespaceOptions.PRESENCE_OFF, false);
    }

    @Test
    void subscribeWithSinceRepliesWithThePositionAndReplaysOnlyOnceTheReplyIsWritten() throws Exception {
        Session session = new Session("s-1", ALICE, subscriber, hub, policy);
        Position third = publish("news", 3);

        Reply reply = answer(session, new Command.Subscribe(CommandId.of(2), "news", new Position(1, third.epoch())));
        assertEquals(new Reply.Subscribed(CommandId.of(2), true, third), reply);
        assertEquals(List.of(), fanout.deliveries(), "nothing before the reply is written");

        session.replyWritten(reply);
        assertEquals(2, fanout.deliveries().size(), "offsets 2 and 3 follow the reply");
    }

    @Test
    void subscribeWithSinceToATopicWithoutHistoryGetsAPlainOk() throws Exception {
        Session session = new Session("s-1", ALICE, subscriber, hub, policy);

        Reply reply = answer(session, new Command.Subscribe(CommandId.of(2), "plain:news", new Position(4, "abc")));

        assertEquals(new Reply.Ok(CommandId.of(2)), reply);
    }

    @Test
    void theHistoryCommandAnswersAPage() throws Exception {
        Session session = new Session("s-1", ALICE, subscriber, hub, policy);
        Position third = publish("feed", 3);

        Reply reply = answer(session, new Command.History(CommandId.of(3), "feed", null, 2));

        Reply.HistoryPage page = assertInstanceOf(Reply.HistoryPage.class, reply);
        assertEquals(third, page.position());
        assertEquals(List.of(1L, 2L), page.publications().stream().map(Reply.HistoryItem::offset).toList());
    }

    @Test
    void historyIsNotAvailableWithoutHistoryAndForbiddenWhereTheCommandIsOffOrTheTopicIsNotAllowed()
            throws Exception {
        Session alice = new Session("s-1", ALICE, subscriber, hub, policy);
        Session bob = new Session("s-2", BOB, new TestSubscriber("s-2"), hub, policy);

        assertError(ErrorCode.NOT_AVAILABLE, answer(alice, new Command.History(CommandId.of(1), "plain:x", null, 5)));
        assertError(ErrorCode.FORBIDDEN, answer(alice, new Command.History(CommandId.of(2), "sealed:x", null, 5)));
        assertError(ErrorCode.FORBIDDEN, answer(bob, new Command.History(CommandId.of(3), "feed", null, 5)));
    }

    private Position publish(String topic, int count) throws Exception {
        Position last = null;
        for (int i = 1; i <= count; i++) {
            last = hub.publish(topic, RawJson.trusted(Integer.toString(i))).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
        }
        return last;
    }

    private static Reply answer(Session session, Command command) throws Exception {
        return session.handle(command).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static void assertError(ErrorCode code, Reply reply) {
        assertEquals(code, assertInstanceOf(Reply.Error.class, reply).code(), reply.toString());
    }
}
