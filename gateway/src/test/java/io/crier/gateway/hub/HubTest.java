package io.crier.gateway.hub;

import static io.crier.gateway.hub.HubBuilder.subscribeLive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.memory.InMemoryBroker;
import io.crier.protocol.RawJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HubTest {

    private static final Duration GRACE = Duration.ofSeconds(2);

    private final InMemoryBroker broker = new InMemoryBroker();
    private final RecordingFanout fanout = new RecordingFanout();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Hub hub = hub(broker, GRACE);
    private final RecordingListener listener = new RecordingListener(hub);
    private final TestSubscriber alice = new TestSubscriber("s-alice");
    private final TestSubscriber bob = new TestSubscriber("s-bob");
    private final TestSubscriber carol = new TestSubscriber("s-carol");

    HubTest() {
        broker.start(listener);
    }

    @AfterEach
    void closeBroker() {
        broker.close();
    }

    @Test
    void deliversOnePublicationToEveryLocalSubscriberWithOneCallAndOneEncoding() throws Exception {
        await(subscribeLive(hub, "hub-fan", alice));
        await(subscribeLive(hub, "hub-fan", bob));
        await(subscribeLive(hub, "hub-fan", carol));

        await(broker.publish("hub-fan", utf8("{\"data\":{\"n\":1}}")));

        List<RecordingFanout.Delivery> deliveries = fanout.deliveries();
        assertEquals(1, deliveries.size());
        assertEquals(Set.of(alice, bob, carol), Set.copyOf(deliveries.get(0).targets()));
        assertEquals("{\"type\":\"message\",\"topic\":\"hub-fan\",\"data\":{\"n\":1}}", deliveries.get(0).text());
        assertEquals(1.0, meters.get("crier.hub.publications").counter().count());
        assertEquals(3.0, meters.get("crier.hub.deliveries").counter().count());
        assertEquals(1L, meters.get("crier.hub.decode").timer().count(), "receipt to fan-out, once per publication");
    }

    @Test
    void aPublicationWithAPositionOnATopicWithoutHistoryIsDeliveredWithoutIt() throws Exception {
        await(subscribeLive(hub, "hub-fcall", alice));

        // What FCALL crier_publish sends, on a topic whose namespace keeps no history on this node.
        await(broker.publish("hub-fcall", utf8("{\"offset\":7,\"epoch\":\"e1\",\"data\":{\"n\":1}}")));

        assertEquals("{\"type\":\"message\",\"topic\":\"hub-fcall\",\"data\":{\"n\":1}}",
                fanout.deliveries().get(0).text(), "no position to recover from where nothing is kept");
    }

    @Test
    void publishGoesThroughTheBrokerInPublicationFormat() throws Exception {
        await(subscribeLive(hub, "hub-pub", alice));

        await(hub.publish("hub-pub", RawJson.trusted("[1,\"two\"]")));

        assertEquals(List.of("hub-pub"), listener.topics());
        assertEquals("{\"type\":\"message\",\"topic\":\"hub-pub\",\"data\":[1,\"two\"]}",
                fanout.deliveries().get(0).text());
    }

    @Test
    void publishWithoutLocalSubscribersReachesNobodyHere() throws Exception {
        await(hub.publish("hub-nobody", RawJson.trusted("1")));

        assertEquals(List.of(), listener.topics());
        assertEquals(List.of(), fanout.deliveries());
    }

    @Test
    void publishFailsWhenTheBrokerIsDown() {
        broker.close();

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(hub.publish("hub-down", RawJson.trusted("1"))));
        assertInstanceOf(BrokerUnavailableException.class, e.getCause());
    }

    @Test
    void staysSubscribedOnTheBrokerWhileOneOfTwoSubscribersRemains() throws Exception {
        await(subscribeLive(hub, "hub-two", alice));
        await(subscribeLive(hub, "hub-two", bob));

        hub.unsubscribe("hub-two", alice);
        scheduler.advance(GRACE.multipliedBy(10));
        publishOnBroker("hub-two");

        assertEquals(List.of("hub-two"), listener.topics());
        assertEquals(List.of(bob), fanout.deliveries().get(0).targets());
        assertEquals(1, hub.topicCount());
    }

    @Test
    void unsubscribesFromTheBrokerOnlyWhenTheGraceAfterTheLastSubscriberEnds() throws Exception {
        await(subscribeLive(hub, "hub-grace", alice));
        await(subscribeLive(hub, "hub-grace", bob));
        hub.unsubscribe("hub-grace", alice);
        hub.unsubscribe("hub-grace", bob);

        scheduler.advance(GRACE.minusMillis(1));
        publishOnBroker("hub-grace");
        assertEquals(List.of("hub-grace"), listener.topics(), "still subscribed during the grace");
        assertEquals(List.of(), fanout.deliveries(), "but nobody here receives it");
        assertEquals(0, hub.topicCount());

        scheduler.advance(Duration.ofMillis(1));
        listener.clear();
        publishOnBroker("hub-grace");
        assertEquals(List.of(), listener.topics(), "unsubscribed after the grace");
    }

    @Test
    void resubscribingWithinTheGraceCancelsTheUnsubscribe() throws Exception {
        await(subscribeLive(hub, "hub-back", alice));
        hub.unsubscribe("hub-back", alice);
        scheduler.advance(GRACE.dividedBy(2));

        await(subscribeLive(hub, "hub-back", bob));
        scheduler.advance(GRACE.multipliedBy(10));
        publishOnBroker("hub-back");

        assertEquals(0, scheduler.pendingTasks());
        assertEquals(List.of("hub-back"), listener.topics());
        assertEquals(List.of(bob), fanout.deliveries().get(0).targets());
    }

    @Test
    void zeroGraceUnsubscribesAtOnce() throws Exception {
        InMemoryBroker own = new InMemoryBroker();
        Hub eager = hub(own, Duration.ZERO);
        RecordingListener ownListener = new RecordingListener(eager);
        own.start(ownListener);

        await(subscribeLive(eager, "hub-zero", alice));
        eager.unsubscribe("hub-zero", alice);
        publishOn(own, "hub-zero");

        assertEquals(List.of(), ownListener.topics());
        assertEquals(0, scheduler.pendingTasks());
        assertEquals(0, eager.topicCount());
        own.close();
    }

    @Test
    void subscriberAfterTheUnsubscribeGetsAFreshBrokerSubscription() throws Exception {
        await(subscribeLive(hub, "hub-again", alice));
        hub.unsubscribe("hub-again", alice);
        scheduler.advance(GRACE);

        await(subscribeLive(hub, "hub-again", bob));
        publishOnBroker("hub-again");

        assertEquals(List.of("hub-again"), listener.topics());
        assertEquals(List.of(bob), fanout.deliveries().get(0).targets());
    }

    @Test
    void countsAndDropsMalformedPayloads() throws Exception {
        await(subscribeLive(hub, "hub-bad", alice));

        await(broker.publish("hub-bad", utf8("not json")));
        await(broker.publish("hub-bad", utf8("{\"nodata\":1}")));
        await(broker.publish("hub-bad", new byte[] {(byte) 0xff, '{', '}'}));
        publishOnBroker("hub-bad");

        assertEquals(3.0, meters.get("crier.broker.payloads.malformed").counter().count());
        assertEquals(1, fanout.deliveries().size(), "the good publication after the bad ones still arrives");
        assertEquals(1L, meters.get("crier.hub.decode").timer().count(), "only what reached the fan-out is timed");
    }

    @Test
    void subscribeCompletesAtOnceForATopicAlreadyActive() throws Exception {
        GatedBroker gated = new GatedBroker();
        Hub gatedHub = hub(gated, GRACE);
        gated.start(gatedHub);
        await(subscribeLive(gatedHub, "hub-active", alice));

        gated.hold();
        CompletableFuture<Void> second = subscribeLive(gatedHub, "hub-active", bob).toCompletableFuture();

        assertTrue(second.isDone() && !second.isCompletedExceptionally());
        assertEquals(List.of("subscribe:hub-active"), gated.calls());
        gated.close();
    }

    @Test
    void subscribeWhileTheBrokerCallIsPendingCompletesWhenItDoes() throws Exception {
        GatedBroker gated = new GatedBroker();
        Hub gatedHub = hub(gated, GRACE);
        gated.start(gatedHub);
        gated.hold();

        CompletableFuture<Void> first = subscribeLive(gatedHub, "hub-pending", alice).toCompletableFuture();
        CompletableFuture<Void> second = subscribeLive(gatedHub, "hub-pending", bob).toCompletableFuture();
        assertFalse(first.isDone());
        assertFalse(second.isDone());

        gated.releaseAll();

        await(first);
        await(second);
        assertEquals(List.of("subscribe:hub-pending"), gated.calls(), "one broker call for both");
        gated.close();
    }

    @Test
    void brokerFailureFailsTheSubscribeAndLeavesNoSubscriberBehind() throws Exception {
        GatedBroker gated = new GatedBroker();
        RecordingFanout gatedFanout = new RecordingFanout();
        Hub gatedHub = HubBuilder.on(gated).fanout(gatedFanout).scheduler(scheduler).unsubscribeGrace(GRACE)
                .meters(meters).build();
        gated.start(gatedHub);
        gated.hold();
        CompletableFuture<Void> first = subscribeLive(gatedHub, "hub-fail", alice).toCompletableFuture();
        CompletableFuture<Void> second = subscribeLive(gatedHub, "hub-fail", bob).toCompletableFuture();

        gated.failAll();

        for (CompletableFuture<Void> stage : List.of(first, second)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(stage));
            assertInstanceOf(BrokerUnavailableException.class, e.getCause());
        }
        assertEquals(0, gatedHub.topicCount());
        await(subscribeLive(gatedHub, "hub-fail", carol));
        await(gated.publish("hub-fail", utf8("{\"data\":true}")));
        assertEquals(List.of(carol), gatedFanout.deliveries().get(0).targets(), "alice and bob are gone");
        assertEquals(List.of("subscribe:hub-fail", "subscribe:hub-fail"), gated.calls(), "a fresh attempt");
        assertEquals(1.0, meters.get("crier.hub.broker.failures").tag("op", "subscribe").counter().count());
        gated.close();
    }

    @Test
    void subscribeOnAStoppedBrokerFailsWithBrokerUnavailable() {
        broker.close();

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(subscribeLive(hub, "hub-stopped", alice)));

        assertInstanceOf(BrokerUnavailableException.class, e.getCause());
        assertEquals(0, hub.topicCount());
    }

    @Test
    void unsubscribeBeforeTheBrokerSubscribeCompletesLeavesNothingBehind() throws Exception {
        GatedBroker gated = new GatedBroker();
        Hub gatedHub = hub(gated, Duration.ZERO);
        gated.start(gatedHub);
        gated.hold();
        CompletableFuture<Void> stage = subscribeLive(gatedHub, "hub-early", alice).toCompletableFuture();

        gatedHub.unsubscribe("hub-early", alice);
        gated.releaseAll();
        await(stage);

        assertEquals(0, gatedHub.topicCount());
        assertEquals(List.of("subscribe:hub-early", "unsubscribe:hub-early"), gated.calls(), "in decision order");
        gated.close();
    }

    @Test
    void unsubscribingAStrangerChangesNothing() throws Exception {
        await(subscribeLive(hub, "hub-stranger", alice));

        hub.unsubscribe("hub-stranger", bob);
        hub.unsubscribe("hub-unknown", bob);

        assertEquals(1, hub.topicCount());
        assertEquals(0, scheduler.pendingTasks());
    }

    @Test
    void gaugeCountsTopicsWithLocalSubscribers() throws Exception {
        await(subscribeLive(hub, "hub-g1", alice));
        await(subscribeLive(hub, "hub-g2", alice));
        await(subscribeLive(hub, "hub-g2", bob));
        hub.unsubscribe("hub-g1", alice);

        assertEquals(1.0, meters.get("crier.hub.topics").gauge().value());
        assertEquals(1, hub.topicCount());
    }

    @Test
    void unsubscribeFallsBackToAtOnceWhenTheSchedulerIsShutDown() throws Exception {
        await(subscribeLive(hub, "hub-shutdown", alice));
        scheduler.shutdown();

        hub.unsubscribe("hub-shutdown", alice);
        publishOnBroker("hub-shutdown");

        assertEquals(List.of(), listener.topics());
    }

    private Hub hub(io.crier.cluster.Broker on, Duration grace) {
        return HubBuilder.on(on).fanout(fanout).scheduler(scheduler).unsubscribeGrace(grace).meters(meters).build();
    }

    private void publishOnBroker(String topic) throws Exception {
        publishOn(broker, topic);
    }

    private static void publishOn(io.crier.cluster.Broker on, String topic) throws Exception {
        await(on.publish(topic, utf8("{\"data\":\"x\"}")));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void await(java.util.concurrent.CompletionStage<?> stage) throws Exception {
        assertSame(null, stage.toCompletableFuture().get(5, TimeUnit.SECONDS));
    }
}
