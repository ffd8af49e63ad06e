package io.crier.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.User;
import io.crier.gateway.hub.GatedBroker;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.HubBuilder;
import io.crier.gateway.hub.RecordingFanout;
import io.crier.gateway.hub.Subscription;
import io.crier.gateway.hub.TestSubscriber;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SessionTopics}: topics held for a subscribe hook, confirmed or dropped, the topic limit, closing, and a
 * broker failure taking back only its own subscribe; with the hub and presence calls each makes.
 */
class SessionTopicsTest {

    private final GatedBroker broker = new GatedBroker();
    private final Hub hub = HubBuilder.on(broker).fanout(new RecordingFanout()).build();
    private final TestSubscriber subscriber = new TestSubscriber("session-t");
    private final Session session = new Session("session-t", User.ANONYMOUS, subscriber, hub,
            TestPolicies.claimsOnly(2));
    private final RecordingTopicListener listener = new RecordingTopicListener();
    private final SessionTopics topics = new SessionTopics(session, subscriber, hub, 2);

    SessionTopicsTest() {
        broker.start(hub);
        topics.listenWith(listener);
    }

    @AfterEach
    void closeBroker() {
        broker.close();
    }

    @Test
    void topicHeldForItsHookCountsAgainstTheLimitButIsInNeitherTheHubNorPresence() {
        topics.holdForHook("t-held");

        assertEquals(ServerSubscribe.ALREADY_SUBSCRIBED, topics.refusal("t-held"));
        topics.holdForHook("t-other");
        assertEquals(ServerSubscribe.TOO_MANY_TOPICS, topics.refusal("t-third"));
        assertEquals(Set.of("t-held", "t-other"), topics.names());
        assertEquals(0, hub.topicCount());
        assertEquals(List.of(), listener.events());
    }

    @Test
    void confirmedHoldJoinsTheHubAndPresence() throws Exception {
        SessionTopics.Hold hold = topics.holdForHook("t-ok");

        get(topics.confirmHook("t-ok", hold, null));

        assertEquals(Set.of("t-ok"), topics.names());
        assertEquals(1, hub.topicCount());
        assertEquals(List.of("subscribed t-ok"), listener.events());
    }

    @Test
    void topicLetGoWhileItsHookIsAskedCannotBeConfirmed() {
        SessionTopics.Hold hold = topics.holdForHook("t-gone");

        assertTrue(topics.leave("t-gone"));

        assertNull(topics.confirmHook("t-gone", hold, null));
        assertEquals(Set.of(), topics.names());
        assertEquals(0, hub.topicCount());
        assertEquals(List.of(), listener.events());
    }

    @Test
    void droppedHoldFreesItsTopicButNotANewerSubscribeOfIt() throws Exception {
        SessionTopics.Hold old = topics.holdForHook("t-again");
        topics.leave("t-again");
        get(topics.join("t-again", null));

        topics.dropHook("t-again", old);

        assertEquals(Set.of("t-again"), topics.names());
        assertEquals(1, hub.topicCount());
        SessionTopics.Hold refused = topics.holdForHook("t-refused");
        topics.dropHook("t-refused", refused);
        assertEquals(Set.of("t-again"), topics.names());
    }

    @Test
    void closeAllLetsEveryTopicGoOnceAndRefusesEveryTopicFromThenOn() throws Exception {
        get(topics.join("t-joined", null));
        SessionTopics.Hold hold = topics.holdForHook("t-waiting");

        topics.closeAll();
        topics.closeAll();

        assertTrue(topics.closed());
        assertEquals(Set.of(), topics.names());
        assertEquals(0, hub.topicCount());
        assertEquals(List.of("subscribed t-joined", "unsubscribed t-joined"), listener.events());
        assertEquals(ServerSubscribe.CLOSED, topics.refusal("t-new"));
        assertNull(topics.confirmHook("t-waiting", hold, null));
        assertFalse(topics.leave("t-joined"));
    }

    @Test
    void brokerFailureTakesBackTheTopicAndEndsItsPresenceEntry() {
        broker.hold();
        CompletionStage<Subscription> joined = topics.join("t-fails", null);
        assertEquals(Set.of("t-fails"), topics.names());

        broker.failAll();

        assertThrows(ExecutionException.class, () -> get(joined));
        assertEquals(Set.of(), topics.names());
        assertEquals(List.of("subscribed t-fails", "unsubscribed t-fails"), listener.events());
    }

    @Test
    void aTopicTheHubAlreadyHasIsHeldUnderTheHubsOwnNameNotTheDecodedCopy() throws Exception {
        TestSubscriber other = new TestSubscriber("session-u");
        SessionTopics second = new SessionTopics(new Session("session-u", User.ANONYMOUS, other, hub,
                TestPolicies.claimsOnly(2)), other, hub, 2);
        get(topics.join(new String("t-shared"), null));

        get(second.join(new String("t-shared"), null));
        second.holdForHook(new String("t-shared-later"));

        assertSame(topics.names().iterator().next(), second.names().stream()
                .filter("t-shared"::equals).findFirst().orElseThrow());
        assertEquals(Set.of("t-shared", "t-shared-later"), second.names());
        assertTrue(second.leave("t-shared"));
        assertEquals(1, hub.topicCount());
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /**
     * Records what it hears as "subscribed t" / "unsubscribed t", and checks that each unsubscribed names the token
     * of the subscribed it ends. Thread-safe.
     */
    private final class RecordingTopicListener implements TopicListener {

        private final List<String> events = new CopyOnWriteArrayList<>();
        private final List<Object> tokens = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<Void> subscribed(Session from, String topic, Object subscription) {
            assertSame(session, from);
            events.add("subscribed " + topic);
            tokens.add(subscription);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void unsubscribed(Session from, String topic, Object subscription) {
            assertSame(session, from);
            assertTrue(tokens.remove(subscription), "unsubscribed names a token no subscribed gave");
            events.add("unsubscribed " + topic);
        }

        List<String> events() {
            return List.copyOf(events);
        }
    }
}
