package io.crier.cluster.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.HistoryOptions;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.HistoryStore;
import io.crier.cluster.HistoryStoreContract;
import io.crier.cluster.ManualClock;
import io.crier.cluster.RecordingListener;
import io.crier.cluster.StreamPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The history contract on {@link InMemoryHistoryStore}, on a test clock, plus what only it does. */
class InMemoryHistoryStoreTest extends HistoryStoreContract {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    protected Fixture start(BrokerListener listener) throws Exception {
        InMemoryBroker broker = closeAfterTest(new InMemoryBroker());
        complete(broker.start(listener));
        return new Fixture(closeAfterTest(new InMemoryHistoryStore(broker, clock)), broker);
    }

    @Override
    protected void advance(Duration by) {
        clock.advance(by);
    }

    @Test
    void givesEachStoreInstanceItsOwnEpoch() throws Exception {
        String news = topic("news");
        StreamPosition first = complete(start(new RecordingListener()).store().publish(news, bytes("1"), KEEP_100));
        StreamPosition second = complete(start(new RecordingListener()).store().publish(news, bytes("1"), KEEP_100));

        assertEquals(first.offset(), second.offset());
        assertNotEquals(first.epoch(), second.epoch());
    }

    @Test
    void failsPublishWithBrokerUnavailableWhenTheBrokerIsClosed() throws Exception {
        Fixture fixture = start(new RecordingListener());
        fixture.broker().close();

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> complete(fixture.store().publish(topic("news"), bytes("1"), KEEP_100)));

        assertInstanceOf(BrokerUnavailableException.class, failure.getCause());
    }

    @Test
    void dropsExpiredHistoriesFromMemoryWhileOthersArePublished() throws Exception {
        Fixture fixture = start(new RecordingListener());
        InMemoryHistoryStore store = (InMemoryHistoryStore) fixture.store();
        HistoryOptions oneSecond = new HistoryOptions(10, Duration.ofSeconds(1));
        String quiet = topic("quiet");
        complete(store.publish(quiet, bytes("1"), oneSecond));
        advance(Duration.ofSeconds(2));

        // Enough publications on another topic to run the sweep at least once.
        publish(store, topic("busy"), 1100, oneSecond);

        assertEquals(1, store.historiesInMemory());
        HistorySlice gone = complete(fixture.store().read(quiet, 0, 10, oneSecond));
        assertEquals(new StreamPosition(0, HistoryStore.NO_EPOCH), gone.position());
        assertEquals(1, complete(fixture.store().publish(quiet, bytes("2"), oneSecond)).offset());
    }
}
