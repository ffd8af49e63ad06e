package io.crier.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.ChannelMessage;
import io.crier.protocol.Position;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link HistoryStore} contract, run against every implementation: one subclass per store provides
 * {@link #start}. Each test uses its own topic names, so subclasses may share a backend. Age bounds are
 * tested with {@link #advance}: a store on a test clock moves it, a store on a real clock lets time pass
 * while the test waits for the effect.
 */
public abstract class HistoryStoreContract {

    /** A started store, and a started broker that receives what the store publishes. */
    public record Fixture(HistoryStore store, Broker broker) {
    }

    public static final HistoryOptions KEEP_100 = new HistoryOptions(100, Duration.ofMinutes(5));
    private static final Duration TIMEOUT = RecordingListener.TIMEOUT;

    protected final PublicationCodec codec = new PublicationCodec();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private String testId;

    /** A new store and broker, started, with {@code listener} on the broker; closed after the test. */
    protected abstract Fixture start(BrokerListener listener) throws Exception;

    /** Moves the store's clock {@code by} forward, or does nothing when the store runs on real time. */
    protected abstract void advance(Duration by);

    @BeforeEach
    void pickTopicNames() {
        testId = UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        opened.clear();
    }

    /** Closes {@code closeable} after the test, in the order registered. */
    protected <T extends AutoCloseable> T closeAfterTest(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    protected String topic(String name) {
        return name + "." + testId;
    }

    @Test
    void givesConcurrentPublishersOffsetsOneToNInOrderWithoutGapOrDuplicate() throws Exception {
        RecordingListener received = new RecordingListener();
        Fixture fixture = start(received);
        String ticks = topic("ticks");
        complete(fixture.broker().subscribe(ticks));
        HistoryOptions keepAll = new HistoryOptions(1000, Duration.ofMinutes(5));
        Map<Long, String> sent = new ConcurrentHashMap<>();
        ExecutorService publishers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                int publisher = p;
                done.add(publishers.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        String data = "{\"p\":" + publisher + ",\"i\":" + i + "}";
                        StreamPosition position = complete(fixture.store().publish(ticks, bytes(data), keepAll));
                        assertNull(sent.put(position.offset(), data), "offset given twice");
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
            }
        } finally {
            publishers.shutdownNow();
        }

        assertEquals(LongStream.rangeClosed(1, 1000).boxed().toList(), sent.keySet().stream().sorted().toList());
        String epoch = null;
        for (long offset = 1; offset <= 1000; offset++) {
            ChannelMessage.Publication publication = decode(received.next().payload());
            epoch = epoch == null ? publication.position().epoch() : epoch;
            assertEquals(new Position(offset, epoch), publication.position());
            assertEquals(sent.get(offset), publication.data().text());
        }
        HistorySlice all = complete(fixture.store().read(ticks, 0, 1000, keepAll));
        assertEquals(new StreamPosition(1000, epoch), all.position());
        assertTrue(all.complete());
        assertEquals(1000, all.publications().size());
        for (StoredPublication stored : all.publications()) {
            assertEquals(sent.get(stored.offset()), text(stored.data()));
        }
    }

    @Test
    void sendsSubscribersThePayloadOfPublicationCodecByteForByte() throws Exception {
        RecordingListener received = new RecordingListener();
        Fixture fixture = start(received);
        String news = topic("news");
        complete(fixture.broker().subscribe(news));

        StreamPosition position = complete(fixture.store().publish(news, bytes("{\"headline\":\"hi\"}"), KEEP_100));

        assertEquals(1, position.offset());
        assertTrue(position.epoch().matches("[A-Za-z0-9]{1,64}"), position.epoch());
        byte[] payload = received.next().payload();
        assertEquals("{\"offset\":1,\"epoch\":\"" + position.epoch() + "\",\"data\":{\"headline\":\"hi\"}}",
                text(payload));
        assertArrayEquals(codec.encode(RawJson.trusted("{\"headline\":\"hi\"}"),
                new Position(position.offset(), position.epoch())), payload);
    }

    @Test
    void readsThePublicationsAfterAnOffsetInOrderWithAStableEpoch() throws Exception {
        Fixture fixture = start(new RecordingListener());
        String news = topic("news");
        List<StreamPosition> positions = publish(fixture.store(), news, 10, KEEP_100);

        HistorySlice slice = complete(fixture.store().read(news, 4, 100, KEEP_100));

        assertTrue(positions.stream().allMatch(p -> p.epoch().equals(positions.get(0).epoch())));
        assertEquals(positions.get(9), slice.position());
        assertTrue(slice.complete());
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L), offsets(slice));
        assertEquals("{\"n\":5}", text(slice.publications().get(0).data()));
        assertEquals("{\"n\":10}", text(slice.publications().get(5).data()));
    }

    @Test
    void returnsAtMostLimitPublicationsOldestFirst() throws Exception {
        Fixture fixture = start(new RecordingListener());
        String news = topic("news");
        publish(fixture.store(), news, 10, KEEP_100);

        HistorySlice slice = complete(fixture.store().read(news, 2, 3, KEEP_100));

        assertEquals(List.of(3L, 4L, 5L), offsets(slice));
        assertTrue(slice.complete());
        assertEquals(10, slice.position().offset());
    }

    @Test
    void readsOnlyThePositionWithLimitZero() throws Exception {
        Fixture fixture = start(new RecordingListener());
        String news = topic("news");
        List<StreamPosition> positions = publish(fixture.store(), news, 3, KEEP_100);

        HistorySlice slice = complete(fixture.store().read(news, 1, 0, KEEP_100));

        assertEquals(positions.get(2), slice.position());
        assertEquals(List.of(), slice.publications());
        assertTrue(slice.complete());
    }

    @Test
    void readsAtTheCurrentOffsetAsCompleteAndAboveItAsIncomplete() throws Exception {
        Fixture fixture = start(new RecordingListener());
        String news = topic("news");
        publish(fixture.store(), news, 3, KEEP_100);

        HistorySlice atTop = complete(fixture.store().read(news, 3, 10, KEEP_100));
        HistorySlice aboveTop = complete(fixture.store().read(news, 7, 10, KEEP_100));

        assertTrue(atTop.complete());
        assertEquals(List.of(), atTop.publications());
        assertFalse(aboveTop.complete());
        assertEquals(3, aboveTop.position().offset());
    }

    @Test
    void reportsIncompleteWhenTheSizeBoundTrimmedPublicationsAfterTheOffset() throws Exception {
        Fixture fixture = start(new RecordingListener());
        String news = topic("news");
        HistoryOptions keep5 = new HistoryOptions(5, Duration.ofMinutes(5));
        publish(fixture.store(), news, 10, keep5);

        HistorySlice trimmed = complete(fixture.store().read(news, 2, 100, keep5));
        HistorySlice kept = complete(fixture.store().read(news, 5, 100, keep5));

        assertFalse(trimmed.complete());
        assertEquals(List.of(6L, 7L, 8L, 9L, 10L), offsets(trimmed));
        assertTrue(kept.complete());
        assertEquals(List.of(6L, 7L, 8L, 9L, 10L), offsets(kept));
    }

    @Test
    void skipsPublicationsOlderThanTheTtlAndReportsIncomplete() throws Exception {
        Fixture fixture = start(new RecordingListener());
        String news = topic("news");
        List<StreamPosition> positions = publish(fixture.store(), news, 3, KEEP_100);
        HistoryOptions oneSecond = new HistoryOptions(100, Duration.ofSeconds(1));

        advance(Duration.ofMillis(1500));

        await().atMost(TIMEOUT).untilAsserted(() -> {
            HistorySlice aged = complete(fixture.store().read(news, 0, 100, oneSecond));
            assertFalse(aged.complete());
            assertEquals(List.of(), aged.publications());
            assertEquals(positions.get(2), aged.position());
        });
    }

    @Test
    void losesTheWholeHistoryTtlAfterTheLastPublicationAndStartsANewEpochAtOffsetOne() throws Exception {
        Fixture fixture = start(new RecordingListener());
        String news = topic("news");
        HistoryOptions oneSecond = new HistoryOptions(100, Duration.ofSeconds(1));
        StreamPosition before = publish(fixture.store(), news, 2, oneSecond).get(1);

        advance(Duration.ofMillis(1500));

        await().atMost(TIMEOUT).untilAsserted(() -> {
            HistorySlice gone = complete(fixture.store().read(news, 2, 100, oneSecond));
            assertEquals(new StreamPosition(0, HistoryStore.NO_EPOCH), gone.position());
            assertFalse(gone.complete());
        });
        StreamPosition after = complete(fixture.store().publish(news, bytes("{\"n\":3}"), oneSecond));
        assertEquals(1, after.offset());
        assertNotEquals(before.epoch(), after.epoch());
        assertEquals(List.of(1L), offsets(complete(fixture.store().read(news, 0, 100, oneSecond))));
    }

    @Test
    void readsATopicWithoutHistoryAsOffsetZeroInNoEpoch() throws Exception {
        Fixture fixture = start(new RecordingListener());
        String unknown = topic("unknown");

        HistorySlice fromStart = complete(fixture.store().read(unknown, 0, 10, KEEP_100));
        HistorySlice fromFive = complete(fixture.store().read(unknown, 5, 10, KEEP_100));

        assertEquals(new StreamPosition(0, HistoryStore.NO_EPOCH), fromStart.position());
        assertTrue(fromStart.complete());
        assertEquals(List.of(), fromStart.publications());
        assertFalse(fromFive.complete());
        assertEquals(1, complete(fixture.store().publish(unknown, bytes("1"), KEEP_100)).offset());
    }

    @Test
    void keepsTheDataBytesUnchanged() throws Exception {
        RecordingListener received = new RecordingListener();
        Fixture fixture = start(received);
        String news = topic("news");
        complete(fixture.broker().subscribe(news));
        String data = "{ \"text\" : \"h\u00e9llo \\u00e9 \ud83d\ude00\", \"list\": [1, 2.5e-3, true, null] }";

        complete(fixture.store().publish(news, bytes(data), KEEP_100));

        assertEquals(data, decode(received.next().payload()).data().text());
        HistorySlice stored = complete(fixture.store().read(news, 0, 1, KEEP_100));
        assertArrayEquals(bytes(data), stored.publications().get(0).data());
    }

    @Test
    void failsWithBrokerUnavailableAfterClose() throws Exception {
        Fixture fixture = start(new RecordingListener());
        fixture.store().close();
        fixture.store().close();

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> complete(fixture.store().publish(topic("news"), bytes("1"), KEEP_100)));

        assertInstanceOf(BrokerUnavailableException.class, failure.getCause());
    }

    /** Publishes {@code {"n":1}} .. {@code {"n":count}} in order and returns their positions. */
    public static List<StreamPosition> publish(HistoryStore store, String topic, int count, HistoryOptions options)
            throws Exception {
        List<StreamPosition> positions = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            positions.add(complete(store.publish(topic, bytes("{\"n\":" + n + "}"), options)));
        }
        return positions;
    }

    protected ChannelMessage.Publication decode(byte[] payload) throws Exception {
        return assertInstanceOf(ChannelMessage.Publication.class, codec.decode(payload));
    }

    public static List<Long> offsets(HistorySlice slice) {
        return slice.publications().stream().map(StoredPublication::offset).toList();
    }

    public static <T> T complete(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
