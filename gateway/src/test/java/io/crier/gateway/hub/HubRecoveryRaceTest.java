package io.crier.gateway.hub;

import static io.crier.gateway.hub.HistoryFixture.range;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.Position;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The subscribe-while-publishing race: a publisher thread publishes continuously while sessions subscribe
 * (with {@code since} at random recent positions, or plain) and are activated from other threads, as event
 * loops would. Every session must see a gapless, duplicate-free sequence from its start to the end.
 */
class HubRecoveryRaceTest {

    private static final int PUBLICATIONS = 2_000;
    private static final int SUBSCRIBES = 20;
    private static final String TOPIC = "race-topic";

    private final HistoryFixture node = new HistoryFixture(1_000);
    private final ExecutorService threads = Executors.newFixedThreadPool(3);

    @AfterEach
    void close() {
        threads.shutdownNow();
        node.close();
    }

    @Test
    void everySessionSeesEveryOffsetAfterItsStartExactlyOnceAndInOrder() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        AtomicInteger published = new AtomicInteger();
        AtomicInteger subscribesStarted = new AtomicInteger();
        AtomicReference<String> epoch = new AtomicReference<>();
        epoch.set(node.publish(TOPIC, 1).epoch()); // creates the epoch; the race starts after it
        published.set(1);
        Future<?> publisher = threads.submit(() -> publish(published, subscribesStarted));

        List<TestSubscriber> subscribers = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        List<Future<?>> activations = new ArrayList<>();
        for (int i = 0; i < SUBSCRIBES; i++) {
            int wanted = Math.min(PUBLICATIONS - 100, i * (PUBLICATIONS / SUBSCRIBES));
            await().atMost(Duration.ofSeconds(10)).until(() -> published.get() >= wanted);
            TestSubscriber subscriber = new TestSubscriber("race-" + i);
            Position since = i % 4 == 3 ? null
                    : new Position(Math.max(0, published.get() - random.nextInt(40)), epoch.get());
            CompletableFuture<Subscription> stage =
                    node.hub.subscribe(TOPIC, subscriber, since).toCompletableFuture();
            subscribesStarted.incrementAndGet();
            Subscription subscription = stage.get(10, TimeUnit.SECONDS);
            activations.add(threads.submit(() -> node.hub.activate(subscription)));
            subscribers.add(subscriber);
            assertTrue(since == null || subscription.recovered(), "seed " + seed + ": recent since recovers");
            starts.add(since == null ? subscription.position().offset() : since.offset());
        }
        publisher.get(30, TimeUnit.SECONDS);
        for (Future<?> activation : activations) {
            activation.get(10, TimeUnit.SECONDS);
        }

        for (int i = 0; i < SUBSCRIBES; i++) {
            assertEquals(range(starts.get(i) + 1, PUBLICATIONS), node.offsets(subscribers.get(i)),
                    "seed " + seed + ", session " + i + " from " + starts.get(i));
        }
        assertEquals(0.0, node.count("crier.hub.repairs", "failed"));
    }

    /** Publishes up to {@link #PUBLICATIONS}, staying at most 150 ahead of the subscribes so that they overlap. */
    private void publish(AtomicInteger published, AtomicInteger subscribesStarted) {
        try {
            while (published.get() < PUBLICATIONS) {
                int next = published.get() + 1;
                if (next > (subscribesStarted.get() + 1) * (PUBLICATIONS / SUBSCRIBES) + 150
                        && subscribesStarted.get() < SUBSCRIBES) {
                    Thread.onSpinWait();
                    continue;
                }
                node.publish(TOPIC, next);
                published.set(next);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
