package io.crier.gateway.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistoryStore;
import io.crier.cluster.memory.InMemoryBroker;
import io.crier.cluster.memory.InMemoryHistoryStore;
import io.crier.gateway.hub.PublishRoute;
import io.crier.protocol.Position;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.PublishApiError;
import io.crier.protocol.PublishApiItem;
import io.crier.protocol.PublishApiResult;
import io.crier.protocol.RawJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Publishing for backends, with no network: topics with history go through the history store and get their
 * position, others through the broker; a batch keeps each topic's order even when the broker answers late,
 * and a failure stops the later publications of that topic only.
 */
class PublishServiceTest {

    private static final HistoryOptions HISTORY = new HistoryOptions(10, Duration.ofMinutes(1));

    @Test
    void publishesThroughHistoryWhenTheNamespaceKeepsItAndThroughTheBrokerOtherwise() throws Exception {
        try (InMemoryBroker broker = new InMemoryBroker(); InMemoryHistoryStore history = new InMemoryHistoryStore(broker)) {
            List<String> delivered = new CopyOnWriteArrayList<>();
            broker.start((topic, payload) -> delivered.add(new String(payload, StandardCharsets.UTF_8)));
            broker.subscribe("h:a");
            broker.subscribe("plain");
            PublishService service = service(broker, history, t -> t.startsWith("h:") ? HISTORY : null);

            PublishApiResult kept = get(service.publish(publication("h:a", "1")));
            PublishApiResult plain = get(service.publish(publication("plain", "2")));

            Position position = assertInstanceOf(PublishApiResult.Published.class, kept).position();
            assertEquals(1, position.offset());
            assertEquals(new PublishApiResult.Published(null), plain);
            assertEquals(List.of("{\"offset\":1,\"epoch\":\"" + position.epoch() + "\",\"data\":1}", "{\"data\":2}"),
                    delivered);
        }
    }

    @Test
    void aBatchWaitsForEachPublicationBeforeTheNextOnTheSameTopicButNotAcrossTopics() throws Exception {
        HeldBroker broker = new HeldBroker();
        PublishService service = service(broker, new InMemoryHistoryStore(new InMemoryBroker()), t -> null);

        CompletionStage<List<PublishApiResult>> batch = service.publishAll(List.of(
                publication("a", "1"), publication("b", "1"), publication("a", "2"),
                new PublishApiItem.Rejected(PublishApiError.BAD_TOPIC, "bad"), publication("a", "3")));

        assertEquals(List.of("a {\"data\":1}", "b {\"data\":1}"), broker.calls(), "a:2 waits for a:1");
        broker.complete(0);
        assertEquals(List.of("a {\"data\":1}", "b {\"data\":1}", "a {\"data\":2}"), broker.calls());
        broker.complete(2);
        broker.complete(1);
        broker.complete(3);
        List<PublishApiResult> results = get(batch);
        assertEquals(List.of("a {\"data\":1}", "b {\"data\":1}", "a {\"data\":2}", "a {\"data\":3}"), broker.calls());
        assertEquals(5, results.size());
        assertEquals(new PublishApiResult.Failed(PublishApiError.BAD_TOPIC, "bad"), results.get(3));
        assertEquals(new PublishApiResult.Published(null), results.get(4));
    }

    @Test
    void aFailedPublicationStopsTheLaterOnesOfItsTopicOnly() throws Exception {
        HeldBroker broker = new HeldBroker();
        PublishService service = service(broker, new InMemoryHistoryStore(new InMemoryBroker()), t -> null);

        CompletionStage<List<PublishApiResult>> batch = service.publishAll(List.of(
                publication("a", "1"), publication("a", "2"), publication("b", "1")));
        broker.fail(0, new BrokerUnavailableException("link down"));
        broker.complete(1);
        List<PublishApiResult> results = get(batch);

        assertEquals(List.of("a {\"data\":1}", "b {\"data\":1}"), broker.calls(), "a:2 is never attempted");
        assertEquals(PublishApiError.UNAVAILABLE, ((PublishApiResult.Failed) results.get(0)).error());
        PublishApiResult.Failed skipped = (PublishApiResult.Failed) results.get(1);
        assertEquals(PublishApiError.UNAVAILABLE, skipped.error());
        assertTrue(skipped.message().contains("earlier publication"), skipped.message());
        assertEquals(new PublishApiResult.Published(null), results.get(2));
    }

    @Test
    void turnsAnUnexpectedFailureIntoInternalAndNeverFailsTheStage() throws Exception {
        HeldBroker broker = new HeldBroker();
        PublishService service = service(broker, new InMemoryHistoryStore(new InMemoryBroker()), t -> null);
        CompletionStage<PublishApiResult> result = service.publish(publication("a", "1"));
        broker.fail(0, new IllegalStateException("bug"));
        PublishApiResult.Failed failed = assertInstanceOf(PublishApiResult.Failed.class, get(result));
        assertEquals(PublishApiError.INTERNAL, failed.error());
        assertFalse(result.toCompletableFuture().isCompletedExceptionally());
    }

    @Test
    void answersUnavailableWhileTheHistoryStoreCannotReachItsBackend() throws Exception {
        InMemoryBroker stopped = new InMemoryBroker();
        try (InMemoryHistoryStore history = new InMemoryHistoryStore(stopped)) {
            PublishService service = service(stopped, history, t -> HISTORY);
            PublishApiResult.Failed failed = assertInstanceOf(PublishApiResult.Failed.class,
                    get(service.publish(publication("h:a", "1"))));
            assertEquals(PublishApiError.UNAVAILABLE, failed.error());
        }
    }

    /** A service on a route whose topics keep history as {@code historyOf} says. */
    private static PublishService service(Broker broker, HistoryStore history,
                                          Function<String, HistoryOptions> historyOf) {
        return new PublishService(new PublishRoute(broker, new PublicationCodec(), history, historyOf));
    }

    private static PublishApiItem.Publication publication(String topic, String data) {
        return new PublishApiItem.Publication(topic, RawJson.trusted(data));
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** A broker whose publishes stay pending until the test completes or fails them, like Redis round trips. */
    private static final class HeldBroker implements Broker {
        private final List<String> calls = new CopyOnWriteArrayList<>();
        private final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();

        List<String> calls() {
            return List.copyOf(calls);
        }

        void complete(int call) {
            pending.get(call).complete(null);
        }

        void fail(int call, RuntimeException failure) {
            pending.get(call).completeExceptionally(failure);
        }

        @Override
        public CompletionStage<Void> start(BrokerListener listener) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> subscribe(String topic) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> unsubscribe(String topic) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> publish(String topic, byte[] payload) {
            CompletableFuture<Void> stage = new CompletableFuture<>();
            pending.add(stage);
            calls.add(topic + " " + new String(payload, StandardCharsets.UTF_8));
            return stage;
        }

        @Override
        public BrokerState state() {
            return BrokerState.CONNECTED;
        }

        @Override
        public void close() {
            // Holds nothing that needs releasing.
        }
    }
}
