package io.crier.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.Broker;
import io.crier.cluster.memory.InMemoryBroker;
import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import io.crier.gateway.hub.GatedBroker;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.HubBuilder;
import io.crier.gateway.hub.RecordingFanout;
import io.crier.gateway.hub.TestSubscriber;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionTest {

    private static final User ALICE = new User("alice", TopicPatterns.of(List.of("sess-*")),
            TopicPatterns.of(List.of("sess-pub-*")), Instant.parse("2030-01-01T00:00:00Z"));
    private static final SessionPolicy POLICY = TestPolicies.claimsOnly(3);

    private final InMemoryBroker broker = new InMemoryBroker();
    private final GatedBroker gated = new GatedBroker();
    private final RecordingFanout fanout = new RecordingFanout();
    private final Hub hub = hub(broker);
    private final Hub gatedHub = hub(gated);
    private final TestSubscriber subscriber = new TestSubscriber("session-1");
    private final Session session = new Session("session-1", ALICE, subscriber, hub, POLICY);
    private final Session gatedSession =
            new Session("session-2", ALICE, subscriber, gatedHub, POLICY);

    SessionTest() {
        broker.start(hub);
        gated.start(gatedHub);
    }

    @AfterEach
    void closeBrokers() {
        broker.close();
        gated.close();
    }

    @Test
    void subscribeRepliesOkAndThenPublicationsArrive() throws Exception {
        assertOk(7, session.handle(new Command.Subscribe(CommandId.of(7), "sess-news")));

        publishOnBroker(broker, "sess-news");

        assertEquals(Set.of("sess-news"), session.topics());
        assertEquals(List.of(subscriber), fanout.deliveries().get(0).targets());
    }

    @Test
    void subscribeOutsideTheClaimsIsForbiddenAndChangesNothing() throws Exception {
        assertError(ErrorCode.FORBIDDEN, session.handle(subscribe("other-news")));

        assertEquals(Set.of(), session.topics());
        assertEquals(0, hub.topicCount());
    }

    @Test
    void secondSubscribeToTheSameTopicIsAlreadySubscribed() throws Exception {
        assertOk(1, session.handle(subscribe("sess-twice")));

        assertError(ErrorCode.ALREADY_SUBSCRIBED, session.handle(subscribe("sess-twice")));
        assertEquals(Set.of("sess-twice"), session.topics());
    }

    @Test
    void subscribeBeyondTheTopicLimitIsTooManyTopics() throws Exception {
        for (String topic : List.of("sess-l1", "sess-l2", "sess-l3")) {
            assertOk(1, session.handle(subscribe(topic)));
        }

        assertError(ErrorCode.TOO_MANY_TOPICS, session.handle(subscribe("sess-l4")));
        assertEquals(3, session.topics().size());
    }

    @Test
    void subscribeWhenTheBrokerIsDownIsUnavailableAndTheTopicIsNotKept() throws Exception {
        broker.close();

        assertError(ErrorCode.UNAVAILABLE, session.handle(subscribe("sess-down")));

        assertEquals(Set.of(), session.topics());
        assertEquals(0, hub.topicCount());
    }

    @Test
    void subscribeCountsAtOnceWhileTheBrokerCallIsPending() throws Exception {
        gated.hold();
        CompletableFuture<Reply> pending = gatedSession.handle(subscribe("sess-pending")).toCompletableFuture();

        assertFalse(pending.isDone());
        assertEquals(Set.of("sess-pending"), gatedSession.topics());
        assertError(ErrorCode.ALREADY_SUBSCRIBED, gatedSession.handle(subscribe("sess-pending")));

        gated.releaseAll();
        assertOk(1, pending);
    }

    @Test
    void pendingSubscribeThatTheBrokerRefusesIsUnavailableAndTakenBack() throws Exception {
        gated.hold();
        CompletionStage<Reply> pending = gatedSession.handle(subscribe("sess-refused"));

        gated.failAll();

        assertError(ErrorCode.UNAVAILABLE, pending);
        assertEquals(Set.of(), gatedSession.topics());
        assertEquals(0, gatedHub.topicCount());
    }

    @Test
    void unsubscribeBeforeTheSubscribeCompletedEndsNotSubscribed() throws Exception {
        gated.hold();
        CompletionStage<Reply> pending = gatedSession.handle(subscribe("sess-early"));

        assertOk(2, gatedSession.handle(new Command.Unsubscribe(CommandId.of(2), "sess-early")));
        gated.releaseAll();

        assertOk(1, pending);
        assertEquals(Set.of(), gatedSession.topics());
        assertEquals(0, gatedHub.topicCount());
        publishOnBroker(gated, "sess-early");
        assertEquals(List.of(), fanout.deliveries());
    }

    @Test
    void resubscribeWhileTheFirstIsPendingThenBrokerFailureLeavesNothing() throws Exception {
        gated.hold();
        CompletionStage<Reply> first = gatedSession.handle(subscribe("sess-flap"));
        assertOk(2, gatedSession.handle(new Command.Unsubscribe(CommandId.of(2), "sess-flap")));
        CompletionStage<Reply> second = gatedSession.handle(subscribe("sess-flap"));

        gated.failAll();

        assertError(ErrorCode.UNAVAILABLE, first);
        assertError(ErrorCode.UNAVAILABLE, second);
        assertEquals(Set.of(), gatedSession.topics());
        assertEquals(0, gatedHub.topicCount());
    }

    @Test
    void unsubscribeRepliesOkAndStopsDelivery() throws Exception {
        assertOk(1, session.handle(subscribe("sess-leave")));

        assertOk(2, session.handle(new Command.Unsubscribe(CommandId.of(2), "sess-leave")));
        publishOnBroker(broker, "sess-leave");

        assertEquals(Set.of(), session.topics());
        assertEquals(List.of(), fanout.deliveries());
    }

    @Test
    void unsubscribeFromATopicNotSubscribedIsNotSubscribed() throws Exception {
        assertError(ErrorCode.NOT_SUBSCRIBED, session.handle(new Command.Unsubscribe(CommandId.of(2), "sess-never")));
    }

    @Test
    void publishRepliesOkAndReachesSubscribersWithoutBeingSubscribedItself() throws Exception {
        TestSubscriber reader = new TestSubscriber("reader");
        Session readerSession = new Session("reader", ALICE, reader, hub, POLICY);
        assertOk(1, readerSession.handle(subscribe("sess-pub-room")));

        assertOk(4, session.handle(publish("sess-pub-room")));

        assertEquals(Set.of(), session.topics());
        assertEquals(List.of(reader), fanout.deliveries().get(0).targets());
        assertEquals("{\"type\":\"message\",\"topic\":\"sess-pub-room\",\"data\":{\"text\":\"hi\"}}",
                fanout.deliveries().get(0).text());
    }

    @Test
    void publishOutsideTheClaimsIsForbidden() throws Exception {
        assertError(ErrorCode.FORBIDDEN, session.handle(publish("sess-news")));
    }

    @Test
    void publishWhenTheBrokerIsDownIsUnavailable() throws Exception {
        broker.close();

        assertError(ErrorCode.UNAVAILABLE, session.handle(publish("sess-pub-down")));
    }

    @Test
    void publishThatFailsOtherwiseIsInternal() throws Exception {
        gated.failPublishesWith(new IllegalStateException("broker bug"));

        Reply reply = reply(gatedSession.handle(publish("sess-pub-bug")));

        assertEquals(new Reply.Error(CommandId.of(4), ErrorCode.INTERNAL, "internal error"), reply);
    }

    @Test
    void pingRepliesOkWithItsId() throws Exception {
        assertEquals(new Reply.Ok(CommandId.ofString("p1")),
                reply(session.handle(new Command.Ping(CommandId.ofString("p1")))));
    }

    @Test
    void secondAuthIsAlreadyAuthenticatedAndDoesNotEchoTheToken() throws Exception {
        Reply reply = reply(session.handle(new Command.Auth(CommandId.of(9), "eyJ-secret-token")));

        assertEquals(ErrorCode.ALREADY_AUTHENTICATED, ((Reply.Error) reply).code());
        assertEquals(CommandId.of(9), reply.id());
        assertFalse(((Reply.Error) reply).message().contains("eyJ"));
    }

    @Test
    void closeLeavesEveryTopicAndCanBeCalledAgain() throws Exception {
        assertOk(1, session.handle(subscribe("sess-c1")));
        assertOk(1, session.handle(subscribe("sess-c2")));

        session.close();
        session.close();
        publishOnBroker(broker, "sess-c1");

        assertEquals(Set.of(), session.topics());
        assertEquals(0, hub.topicCount());
        assertEquals(List.of(), fanout.deliveries());
        assertError(ErrorCode.UNAVAILABLE, session.handle(subscribe("sess-c3")));
        assertEquals(0, hub.topicCount());
    }

    @Test
    void exposesIdUserAndSubscriber() {
        assertEquals("session-1", session.id());
        assertEquals(ALICE, session.user());
        assertTrue(session.subscriber() == subscriber);
    }

    private Hub hub(Broker on) {
        return HubBuilder.on(on).fanout(fanout).build();
    }

    private static Command.Subscribe subscribe(String topic) {
        return new Command.Subscribe(CommandId.of(1), topic);
    }

    private static Command.Publish publish(String topic) {
        return new Command.Publish(CommandId.of(4), topic, RawJson.trusted("{\"text\":\"hi\"}"));
    }

    private static void publishOnBroker(Broker on, String topic) throws Exception {
        on.publish(topic, "{\"data\":1}".getBytes(StandardCharsets.UTF_8)).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    private static Reply reply(CompletionStage<Reply> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static void assertOk(long id, CompletionStage<Reply> stage) throws Exception {
        assertEquals(new Reply.Ok(CommandId.of(id)), reply(stage));
    }

    private static void assertError(ErrorCode code, CompletionStage<Reply> stage) throws Exception {
        Reply reply = reply(stage);
        assertTrue(reply instanceof Reply.Error error && error.code() == code, reply.toString());
    }
}
