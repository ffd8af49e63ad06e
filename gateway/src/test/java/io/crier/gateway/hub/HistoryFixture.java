package io.crier.gateway.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.cluster.memory.InMemoryBroker;
import io.crier.cluster.memory.InMemoryHistoryStore;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.Position;
import io.crier.protocol.RawJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hub with history on real in-memory parts, for unit tests: an {@link InMemoryBroker}, an
 * {@link InMemoryHistoryStore} on a {@link TestClock} behind a {@link GatedHistoryStore}, a
 * {@link DroppingListener} between broker and hub, and recording fanout and evictor. Every topic keeps history
 * (5000 publications, 60 s) except namespaces {@code plain:} (none), {@code short:} (3 publications) and
 * {@code sealed:} (history without the {@code history} command). Not thread-safe to set up; the hub is.
 */
final class HistoryFixture implements AutoCloseable {

    static final Duration TTL = Duration.ofSeconds(60);
    private static final Pattern OFFSET = Pattern.compile("\"offset\":(\\d+)");

    final TestClock clock = new TestClock();
    final InMemoryBroker broker = new InMemoryBroker();
    final GatedHistoryStore store = new GatedHistoryStore(new InMemoryHistoryStore(broker, clock));
    final RecordingFanout fanout = new RecordingFanout();
    final RecordingEvictor evictor = new RecordingEvictor();
    final ManualScheduler scheduler = new ManualScheduler();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Hub hub;
    final DroppingListener listener;

    HistoryFixture(int maxPublications) {
        NamespacesConfig namespaces = new NamespacesConfig(history(5_000, true), Map.of(
                "plain", new NamespaceOptions(false, true, false),
                "short", history(3, true),
                "sealed", history(5_000, false)));
        hub = HubBuilder.on(broker).history(store, namespaces, maxPublications, evictor)
                .envelopes(new EnvelopeCodec(4096)).fanout(fanout).scheduler(scheduler)
                .unsubscribeGrace(Duration.ofSeconds(2)).meters(meters).build();
        listener = new DroppingListener(hub);
        broker.start(listener);
    }

    private static NamespaceOptions history(int size, boolean command) {
        return new NamespaceOptions(false, true, false, size, TTL, command, NamespaceOptions.PRESENCE_OFF, false);
    }

    /** Publishes {@code {"n":i}} through the hub and returns its position (null without history). */
    Position publish(String topic, int i) throws Exception {
        return hub.publish(topic, RawJson.trusted("{\"n\":" + i + "}")).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    /** Publishes {@code {"n":from}} .. {@code {"n":to}} and returns the last position. */
    Position publishRange(String topic, int from, int to) throws Exception {
        Position last = null;
        for (int i = from; i <= to; i++) {
            last = publish(topic, i);
        }
        return last;
    }

    /** Subscribes and waits for the answer, without activating. */
    Subscription subscribe(String topic, TestSubscriber subscriber, Position since) throws Exception {
        return hub.subscribe(topic, subscriber, since).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** Subscribes, waits for the answer and activates, as the transport does after writing the reply. */
    Subscription subscribeLive(String topic, TestSubscriber subscriber, Position since) throws Exception {
        Subscription subscription = subscribe(topic, subscriber, since);
        hub.activate(subscription);
        return subscription;
    }

    /** The offsets of the messages written to {@code subscriber}, in write order. */
    List<Long> offsets(TestSubscriber subscriber) {
        List<Long> offsets = new ArrayList<>();
        for (RecordingFanout.Delivery delivery : fanout.deliveries()) {
            if (delivery.targets().contains(subscriber)) {
                Matcher offset = OFFSET.matcher(delivery.text());
                offsets.add(offset.find() ? Long.parseLong(offset.group(1)) : -1);
            }
        }
        return offsets;
    }

    /** Offsets {@code from}..{@code to}, for assertions. */
    static List<Long> range(long from, long to) {
        List<Long> offsets = new ArrayList<>();
        for (long offset = from; offset <= to; offset++) {
            offsets.add(offset);
        }
        return offsets;
    }

    double count(String meter, String result) {
        return meters.get(meter).tag("result", result).counter().count();
    }

    void assertOffsets(List<Long> expected, TestSubscriber subscriber) {
        assertEquals(expected, offsets(subscriber), "offsets written to " + subscriber.sessionId());
    }

    @Override
    public void close() {
        broker.close();
        store.close();
    }
}
