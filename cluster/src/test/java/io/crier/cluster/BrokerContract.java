package io.crier.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crier.cluster.RecordingListener.Publication;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Broker} contract, run against every implementation: one subclass per broker provides
 * {@link #newBroker()}. Each test uses its own topic names, so subclasses may share a backend.
 *
 * <p>Absence is proven with a marker: a later publication on another subscribed topic, from the same
 * publisher, arrives first if nothing else is coming. Works with both JUnit test instance lifecycles.
 */
public abstract class BrokerContract {

    private final List<Broker> brokers = new ArrayList<>();
    private String testId;

    /** A new broker, not started yet; the suite starts and closes it. */
    protected abstract Broker newBroker();

    @BeforeEach
    void pickTopicNames() {
        testId = UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeBrokers() {
        brokers.forEach(Broker::close);
        brokers.clear();
    }

    /** A topic name that no other test uses. */
    protected String topic(String name) {
        return name + "." + testId;
    }

    /** A new broker, started with {@code listener} and connected. Closed after the test. */
    protected Broker startedBroker(BrokerListener listener) throws Exception {
        Broker broker = newBroker();
        brokers.add(broker);
        complete(broker.start(listener));
        return broker;
    }

    @Test
    void deliversPublicationOnSubscribedTopic() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);
        String news = topic("news");

        complete(broker.subscribe(news));
        complete(broker.publish(news, bytes("hello")));

        Publication publication = received.next();
        assertEquals(news, publication.topic());
        assertEquals("hello", publication.text());
    }

    @Test
    void deliversNothingOnTopicNeverSubscribed() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);
        String marker = topic("marker");
        complete(broker.subscribe(marker));

        complete(broker.publish(topic("elsewhere"), bytes("not for us")));
        complete(broker.publish(marker, bytes("marker")));

        assertEquals(marker, received.next().topic());
    }

    @Test
    void deliversNothingFurtherOnTopicAfterUnsubscribe() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);
        String news = topic("news");
        String marker = topic("marker");
        complete(broker.subscribe(news));
        complete(broker.subscribe(marker));
        complete(broker.publish(news, bytes("before")));
        assertEquals("before", received.next().text());

        complete(broker.unsubscribe(news));
        complete(broker.publish(news, bytes("after")));
        complete(broker.publish(marker, bytes("marker")));

        assertEquals("marker", received.next().text());
    }

    @Test
    void subscribingTwiceDeliversEachPublicationOnceAndOneUnsubscribeStopsIt() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);
        String news = topic("news");
        String marker = topic("marker");
        complete(broker.subscribe(marker));
        complete(broker.subscribe(news));
        complete(broker.subscribe(news));

        complete(broker.publish(news, bytes("once")));
        complete(broker.publish(marker, bytes("marker-1")));
        assertEquals("once", received.next().text());
        assertEquals("marker-1", received.next().text());

        complete(broker.unsubscribe(news));
        complete(broker.unsubscribe(news));
        complete(broker.publish(news, bytes("gone")));
        complete(broker.publish(marker, bytes("marker-2")));
        assertEquals("marker-2", received.next().text());
    }

    @Test
    void appliesSubscribeAndUnsubscribeInCallOrder() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);
        String kept = topic("kept");
        String dropped = topic("dropped");

        broker.subscribe(kept);
        broker.unsubscribe(kept);
        complete(broker.subscribe(kept));
        broker.subscribe(dropped);
        complete(broker.unsubscribe(dropped));

        complete(broker.publish(dropped, bytes("dropped")));
        complete(broker.publish(kept, bytes("kept")));
        assertEquals("kept", received.next().text());
    }

    @Test
    void keepsTheOrderOfPublicationsToOneTopicFromOnePublisher() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);
        String ticks = topic("ticks");
        complete(broker.subscribe(ticks));
        int count = 1000;

        List<CompletionStage<Void>> sent = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sent.add(broker.publish(ticks, bytes(Integer.toString(i))));
        }
        for (CompletionStage<Void> stage : sent) {
            complete(stage);
        }

        for (int i = 0; i < count; i++) {
            assertEquals(Integer.toString(i), received.next().text());
        }
    }

    @Test
    void deliversPayloadBytesUnchangedIncludingNonUtf8() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);
        String binary = topic("binary");
        complete(broker.subscribe(binary));
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0, (byte) 0xED, (byte) 0xA0, (byte) 0x80};

        complete(broker.publish(binary, everyByte.clone()));
        complete(broker.publish(binary, invalidUtf8.clone()));
        complete(broker.publish(binary, new byte[0]));

        assertArrayEquals(everyByte, received.next().payload());
        assertArrayEquals(invalidUtf8, received.next().payload());
        assertArrayEquals(new byte[0], received.next().payload());
    }

    @Test
    void deliversOnTopicsWithEveryAllowedCharacterUpToTheLongestName() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);
        String everyKind = topic("ABCXYZ_abcxyz-0189.:@=");
        String longest = (everyKind + "-").repeat(20).substring(0, 200);
        complete(broker.subscribe(everyKind));
        complete(broker.subscribe(longest));

        complete(broker.publish(everyKind, bytes("every kind")));
        complete(broker.publish(longest, bytes("longest")));

        // Order is promised per topic only: a sharded broker hears two topics on two primaries' connections.
        Map<String, String> delivered = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            Publication next = received.next();
            delivered.put(next.topic(), next.text());
        }
        assertEquals(Map.of(everyKind, "every kind", longest, "longest"), delivered);
    }

    @Test
    void keepsDeliveringAfterTheListenerThrows() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(new BrokerListener() {
            @Override
            public void onPublication(String topic, byte[] payload) {
                if ("boom".equals(new String(payload, StandardCharsets.UTF_8))) {
                    throw new IllegalStateException("a listener bug, thrown on purpose by the test");
                }
                received.onPublication(topic, payload);
            }
        });
        String news = topic("news");
        complete(broker.subscribe(news));

        complete(broker.publish(news, bytes("boom")));
        complete(broker.publish(news, bytes("still here")));

        assertEquals("still here", received.next().text());
    }

    @Test
    void isConnectedAfterStartAndClosedAfterClose() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = newBroker();
        brokers.add(broker);
        assertEquals(BrokerState.NEW, broker.state());

        complete(broker.start(received));
        assertEquals(BrokerState.CONNECTED, broker.state());
        received.awaitState(BrokerState.CONNECTED);

        broker.close();
        broker.close();
        assertEquals(BrokerState.CLOSED, broker.state());
        received.awaitState(BrokerState.CLOSED);
    }

    @Test
    void failsPublishAndSubscribeAfterCloseWithBrokerUnavailable() throws Exception {
        Broker broker = startedBroker(new RecordingListener());
        String news = topic("news");
        broker.close();

        assertUnavailable(broker.publish(news, bytes("too late")));
        assertUnavailable(broker.subscribe(news));
        complete(broker.unsubscribe(news));
    }

    @Test
    void unsubscribingFromATopicNeverSubscribedCompletes() throws Exception {
        Broker broker = startedBroker(new RecordingListener());

        complete(broker.unsubscribe(topic("unknown")));

        assertEquals(BrokerState.CONNECTED, broker.state());
    }

    /** Waits for {@code stage} and returns normally only if it succeeded. */
    public static void complete(CompletionStage<?> stage) throws Exception {
        stage.toCompletableFuture().get(RecordingListener.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asserts that {@code stage} fails with {@link BrokerUnavailableException}, waiting at most the timeout. */
    public static BrokerUnavailableException assertUnavailable(CompletionStage<?> stage) {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> complete(stage));
        return assertInstanceOf(BrokerUnavailableException.class, failure.getCause());
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
