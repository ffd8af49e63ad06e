package io.crier.gateway.hub;

import static io.crier.gateway.hub.HubBuilder.subscribeLive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.memory.InMemoryBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubConcurrencyTest {

    private static final int THREADS = 6;
    private static final int SUBSCRIBERS_PER_THREAD = 3;
    private static final int OPERATIONS_PER_THREAD = 3000;
    private static final List<String> TOPICS = List.of("hubc-0", "hubc-1", "hubc-2", "hubc-3");

    private final InMemoryBroker broker = new InMemoryBroker();
    private final RecordingFanout fanout = new RecordingFanout();
    private final ManualScheduler scheduler = new ManualScheduler();

    @ParameterizedTest(name = "grace {0} ms")
    @ValueSource(longs = {0, 1000})
    void concurrentSubscribesAndUnsubscribesEndInAConsistentState(long graceMillis) throws Exception {
        Duration grace = Duration.ofMillis(graceMillis);
        Hub hub = HubBuilder.on(broker).fanout(fanout).scheduler(scheduler).unsubscribeGrace(grace).build();
        RecordingListener listener = new RecordingListener(hub);
        broker.start(listener);

        Map<String, Set<TestSubscriber>> expected = churn(hub);
        scheduler.advance(grace);

        assertEquals(expected.values().stream().filter(s -> !s.isEmpty()).count(), hub.topicCount());
        assertBrokerAndHubAgree(expected, listener);

        expected.forEach((topic, members) -> members.forEach(member -> hub.unsubscribe(topic, member)));
        scheduler.advance(grace);
        expected.values().forEach(Set::clear);
        assertEquals(0, hub.topicCount());
        assertBrokerAndHubAgree(expected, listener);
        broker.close();
    }

    /** Runs the threads, with a publisher going on beside them; returns who ends up on which topic. */
    private Map<String, Set<TestSubscriber>> churn(Hub hub) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(THREADS + 1);
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean done = new AtomicBoolean();
            List<Future<Map<String, Set<TestSubscriber>>>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(threads.submit(() -> churnOneThread(hub, thread, start)));
            }
            Future<?> publisher = threads.submit(() -> publishUntil(done, start));
            start.countDown();
            Map<String, Set<TestSubscriber>> expected = new HashMap<>();
            TOPICS.forEach(topic -> expected.put(topic, new HashSet<>()));
            for (Future<Map<String, Set<TestSubscriber>>> result : results) {
                result.get(60, TimeUnit.SECONDS).forEach((topic, members) -> expected.get(topic).addAll(members));
            }
            done.set(true);
            publisher.get(60, TimeUnit.SECONDS);
            return expected;
        } finally {
            threads.shutdownNow();
        }
    }

    private Map<String, Set<TestSubscriber>> churnOneThread(Hub hub, int thread,
                                                            CountDownLatch start) throws Exception {
        SplittableRandom random = new SplittableRandom(thread);
        Map<String, Set<TestSubscriber>> mine = new HashMap<>();
        TOPICS.forEach(topic -> mine.put(topic, new HashSet<>()));
        start.await(60, TimeUnit.SECONDS);
        for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
            String topic = TOPICS.get(random.nextInt(TOPICS.size()));
            TestSubscriber subscriber = new TestSubscriber("t" + thread + "-s" + random.nextInt(SUBSCRIBERS_PER_THREAD));
            if (mine.get(topic).remove(subscriber)) {
                hub.unsubscribe(topic, subscriber);
            } else {
                CompletableFuture<Void> stage = subscribeLive(hub, topic, subscriber).toCompletableFuture();
                stage.get(10, TimeUnit.SECONDS);
                mine.get(topic).add(subscriber);
            }
        }
        return mine;
    }

    private Void publishUntil(AtomicBoolean done, CountDownLatch start) throws Exception {
        start.await(60, TimeUnit.SECONDS);
        byte[] payload = "{\"data\":0}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; !done.get() && i < 20_000; i++) {
            broker.publish(TOPICS.get(i % TOPICS.size()), payload).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        return null;
    }

    private void assertBrokerAndHubAgree(Map<String, Set<TestSubscriber>> expected, RecordingListener listener)
            throws Exception {
        listener.clear();
        fanout.clear();
        byte[] payload = "{\"data\":1}".getBytes(StandardCharsets.UTF_8);
        for (String topic : TOPICS) {
            broker.publish(topic, payload).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        List<String> subscribedTopics = TOPICS.stream().filter(topic -> !expected.get(topic).isEmpty()).toList();
        assertEquals(subscribedTopics, listener.topics(), "the broker is subscribed exactly where members are");
        assertEquals(subscribedTopics.size(), fanout.deliveries().size());
        for (RecordingFanout.Delivery delivery : fanout.deliveries()) {
            String topic = TOPICS.stream().filter(t -> delivery.text().contains("\"" + t + "\"")).findFirst()
                    .orElseThrow();
            assertEquals(expected.get(topic), Set.copyOf(delivery.targets()), topic);
            assertTrue(delivery.targets().size() == Set.copyOf(delivery.targets()).size(), "no duplicates");
        }
    }
}
