package io.crier.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.memory.InMemoryBroker;
import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.HubBuilder;
import io.crier.gateway.hub.TestSubscriber;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code refresh} command and the expiry timers as the domain session drives them. */
class SessionRefreshTest {

    private static final Instant START = Instant.parse("2031-03-01T12:00:00Z");
    private static final Duration WARNING = Duration.ofSeconds(60);
    private static final Duration GRACE = Duration.ofSeconds(25);
    private static final User ALICE = user("alice", List.of("refresh-old:*"), 300);
    private static final User ALICE_RENEWED = user("alice", List.of("refresh-new:*"), 900);
    private static final User BOB = user("bob", List.of("*"), 900);

    private final ManualTime time = new ManualTime(START);
    private final RecordingExpiry expiry = new RecordingExpiry();
    private final SessionPolicy policy = TestPolicies.withTokens(
            Map.of("alice-renewed", ALICE_RENEWED, "bob", BOB), time, WARNING, GRACE);
    private final InMemoryBroker broker = new InMemoryBroker();
    private final Hub hub = HubBuilder.on(broker).build();
    private final TestSubscriber subscriber = new TestSubscriber("refresh-1");

    SessionRefreshTest() {
        broker.start(hub);
    }

    @AfterEach
    void closeBroker() {
        broker.close();
    }

    @Test
    void aValidTokenForTheSameUserIsAcceptedAndItsClaimsApplyToLaterCommands() throws Exception {
        Session session = watched(ALICE);
        assertError(ErrorCode.FORBIDDEN, session.handle(subscribe("refresh-new:a")));

        assertEquals(new Reply.Ok(CommandId.of(7)), reply(session.handle(refresh("alice-renewed"))));

        assertSame(ALICE_RENEWED, session.user());
        assertEquals(new Reply.Ok(CommandId.of(1)), reply(session.handle(subscribe("refresh-new:a"))));
        assertError(ErrorCode.FORBIDDEN, session.handle(subscribe("refresh-old:b")));
    }

    @Test
    void anAcceptedRefreshRestartsTheExpiryTimersForTheNewToken() throws Exception {
        Session session = watched(ALICE);
        time.advance(Duration.ofSeconds(240));
        assertEquals(List.of("expiring 60"), expiry.drain());

        reply(session.handle(refresh("alice-renewed")));
        time.advance(Duration.ofSeconds(300));
        assertEquals(List.of(), expiry.drain(), "the first token's disconnect was cancelled");
        time.advance(Duration.ofSeconds(300));
        assertEquals(List.of("expiring 60"), expiry.drain());
        time.advance(Duration.ofSeconds(85));
        assertEquals(List.of("expired"), expiry.drain());
    }

    @Test
    void anInvalidTokenIsInvalidTokenAndTheOldTokenAndItsExpiryStay() throws Exception {
        Session session = watched(ALICE);

        Reply reply = reply(session.handle(refresh("forged")));

        assertEquals(new Reply.Error(CommandId.of(7), ErrorCode.INVALID_TOKEN,
                "token refused; the current token stays"), reply);
        assertSame(ALICE, session.user());
        time.advance(Duration.ofSeconds(325));
        assertEquals(List.of("expiring 60", "expired"), expiry.drain());
    }

    @Test
    void aTokenOfAnotherUserIsInvalidTokenAndTheOldUserStays() throws Exception {
        Session session = watched(ALICE);

        assertError(ErrorCode.INVALID_TOKEN, session.handle(refresh("bob")));

        assertSame(ALICE, session.user());
        time.advance(Duration.ofSeconds(325));
        assertEquals(List.of("expiring 60", "expired"), expiry.drain());
    }

    @Test
    void eachRefusedRefreshIsReportedByItsReasonAndAnAcceptedOneIsNot() throws Exception {
        Session session = watched(ALICE);
        List<String> refusals = new ArrayList<>();
        session.reportRefreshRefusals(refusals::add);

        assertError(ErrorCode.INVALID_TOKEN, session.handle(refresh("no-such-token")));
        assertError(ErrorCode.INVALID_TOKEN, session.handle(refresh("bob")));
        reply(session.handle(refresh("alice-renewed")));

        assertEquals(List.of("other", Session.OTHER_USER), refusals);
    }

    @Test
    void anAnonymousSessionCannotRefreshAndHasNoTimers() throws Exception {
        Session session = watched(User.ANONYMOUS);

        assertError(ErrorCode.FORBIDDEN, session.handle(refresh("alice-renewed")));

        assertSame(User.ANONYMOUS, session.user());
        assertEquals(0, time.pending());
    }

    @Test
    void existingSubscriptionsStayWhenTheNewClaimsNoLongerAllowThem() throws Exception {
        Session session = watched(ALICE);
        assertEquals(new Reply.Ok(CommandId.of(1)), reply(session.handle(subscribe("refresh-old:kept"))));

        reply(session.handle(refresh("alice-renewed")));

        assertEquals(Set.of("refresh-old:kept"), session.topics());
        assertEquals(1, hub.topicCount());
        assertError(ErrorCode.FORBIDDEN, session.handle(new Command.Publish(CommandId.of(4), "refresh-old:kept",
                RawJson.trusted("1"))));
    }

    @Test
    void closingTheSessionCancelsTheExpiryTimer() {
        Session session = watched(ALICE);
        assertEquals(1, time.pending(), "one timer: the warning, then the disconnect");

        session.close();
        time.advance(Duration.ofHours(1));

        assertEquals(0, time.pending());
        assertEquals(List.of(), expiry.drain());
    }

    @Test
    void aLifetimeGivenToAClosedSessionStartsNoTimers() {
        Session session = new Session("refresh-2", ALICE, subscriber, hub, policy);
        session.close();

        session.watchExpiry(new TokenLifetime(policy.expiry(), time, expiry));

        assertEquals(0, time.pending());
    }

    @Test
    void aSecondLifetimeReplacesTheFirst() {
        Session session = watched(ALICE);
        RecordingExpiry second = new RecordingExpiry();

        session.watchExpiry(new TokenLifetime(policy.expiry(), time, second));
        time.advance(Duration.ofSeconds(325));

        assertEquals(List.of(), expiry.drain());
        assertEquals(List.of("expiring 60", "expired"), second.drain());
    }

    @Test
    void aRenewalMovesOnlyTheExpiryAndRestartsTheTimers() {
        Session session = watched(ALICE);

        session.renew(START.plusSeconds(900));
        time.advance(Duration.ofSeconds(300));

        assertEquals(List.of(), expiry.drain(), "the first expiry's timers were cancelled");
        assertEquals(START.plusSeconds(900), session.user().expiresAt());
        assertEquals(ALICE.subscribe(), session.user().subscribe());
        time.advance(Duration.ofSeconds(540));
        assertEquals(List.of("expiring 60"), expiry.drain());
        time.advance(Duration.ofSeconds(85));
        assertEquals(List.of("expired"), expiry.drain());
    }

    @Test
    void aRenewalOfAClosedSessionStartsNoTimers() {
        Session session = watched(ALICE);
        session.close();

        session.renew(START.plusSeconds(900));

        assertEquals(0, time.pending());
        assertEquals(START.plusSeconds(900), session.user().expiresAt());
    }

    private Session watched(User user) {
        Session session = new Session("refresh-1", user, subscriber, hub, policy);
        session.watchExpiry(new TokenLifetime(policy.expiry(), time, expiry));
        return session;
    }

    private static User user(String id, List<String> patterns, long ttlSeconds) {
        return new User(id, TopicPatterns.of(patterns), TopicPatterns.of(patterns), START.plusSeconds(ttlSeconds));
    }

    private static Command.Refresh refresh(String token) {
        return new Command.Refresh(CommandId.of(7), token);
    }

    private static Command.Subscribe subscribe(String topic) {
        return new Command.Subscribe(CommandId.of(1), topic);
    }

    private static Reply reply(CompletionStage<Reply> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static void assertError(ErrorCode code, CompletionStage<Reply> stage) throws Exception {
        Reply reply = reply(stage);
        assertTrue(reply instanceof Reply.Error error && error.code() == code, reply.toString());
    }
}
