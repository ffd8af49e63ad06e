package io.crier.loadtest.bench;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What the connections of one client event loop measured: publish-to-receive latencies and connect times (in
 * microseconds, through {@link SingleWriterRecorder}s so that the controller can take interval histograms while
 * the loop records), frames received, the delivery ledgers of its connections and the close codes of connections
 * that ended after they were ready.
 *
 * <p>Written only by its event loop. The recorders and the {@code received} counter may be read from any thread;
 * ledgers and close codes only through {@link #onLoop}.
 */
final class LoopStats {

    static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(2);

    private final EventLoop loop;
    private final SingleWriterRecorder latency = new SingleWriterRecorder(MAX_MICROS, 3);
    private final SingleWriterRecorder connect = new SingleWriterRecorder(MAX_MICROS, 3);
    private final AtomicLong received = new AtomicLong();
    private final List<DeliveryLedger> ledgers = new ArrayList<>();
    private final Map<Integer, Integer> closesAfterReady = new TreeMap<>();
    private long pongs;

    LoopStats(EventLoop loop) {
        this.loop = loop;
    }

    EventLoop loop() {
        return loop;
    }

    /** Records one publication received {@code nanos} after it was sent. */
    void recordDelivery(long nanos) {
        latency.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1000)));
        // One writer: a plain read-increment-store is enough, lazySet keeps it cheap.
        received.lazySet(received.get() + 1);
    }

    /** Records the time from the TCP connect to the subscribe's {@code ok}. */
    void recordConnect(long nanos) {
        connect.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1000)));
    }

    void add(DeliveryLedger ledger) {
        ledgers.add(ledger);
    }

    void closedAfterReady(int code) {
        closesAfterReady.merge(code, 1, Integer::sum);
    }

    void pong() {
        pongs++;
    }

    long received() {
        return received.get();
    }

    /** The latencies recorded since the previous call (the recorder's interval histogram). */
    Histogram takeLatency() {
        return latency.getIntervalHistogram();
    }

    Histogram takeConnect() {
        return connect.getIntervalHistogram();
    }

    /** Sums the ledgers of this loop; to be run on {@link #loop()}. */
    DeliveryLedger.Totals onLoop(long[] publishedPerTopic) {
        DeliveryLedger.Totals totals = new DeliveryLedger.Totals();
        for (DeliveryLedger ledger : ledgers) {
            ledger.addTo(totals, publishedPerTopic[ledger.topic()]);
        }
        return totals;
    }

    /** Close codes of connections that ended after they were ready, with counts; to be run on {@link #loop()}. */
    Map<Integer, Integer> closesOnLoop() {
        return new TreeMap<>(closesAfterReady);
    }

    long pongsOnLoop() {
        return pongs;
    }
}
