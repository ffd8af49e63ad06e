package io.crier.loadtest.gatling;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The run-wide record of publish-to-receive latencies (an HdrHistogram in milliseconds, the resolution of
 * Gatling's frame timestamps) and of the users' delivery counts, printed when the simulation ends. Thread-safe:
 * every virtual user records into it from Gatling's threads.
 */
final class LatencyBook {

    /** Latencies above an hour are clamped: a load test that slow has failed anyway. */
    private static final long HIGHEST_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final Histogram histogram = new ConcurrentHistogram(HIGHEST_MILLIS, 3);
    private final LongAdder expected = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder missing = new LongAdder();
    private final LongAdder duplicated = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder users = new LongAdder();

    /** Records one delivery's latency. */
    void record(long latencyMillis) {
        histogram.recordValue(Math.min(HIGHEST_MILLIS, Math.max(0, latencyMillis)));
    }

    /** Adds one user's final counts. */
    void count(long userExpected, long userReceived, long userMissing, long userDuplicated, long userOutOfOrder,
               long userLate) {
        users.increment();
        expected.add(userExpected);
        received.add(userReceived);
        missing.add(userMissing);
        duplicated.add(userDuplicated);
        outOfOrder.add(userOutOfOrder);
        late.add(userLate);
    }

    /** The latency at {@code percentile} (0-100), in milliseconds. */
    long percentile(double percentile) {
        return histogram.getValueAtPercentile(percentile);
    }

    /**
     * The report: counts, then p50/p99/p99.9/max, and the delivery rate over {@code publishingMillis} (the time
     * the publications took; 0 leaves the rate out).
     */
    String summary(String title, long publishingMillis, long boundMillis) {
        long deliveries = histogram.getTotalCount();
        String rate = publishingMillis <= 0 ? "" : String.format(Locale.ROOT, ", %.0f deliveries/s over %d ms",
                deliveries * 1000.0 / publishingMillis, publishingMillis);
        return String.format(Locale.ROOT, "%s: %d users, %d deliveries expected, %d received, missing %d,"
                        + " duplicated %d, out of order %d, later than %d ms %d%s%n"
                        + "  publish-to-receive latency (ms, Gatling frame clock): p50 %d, p90 %d, p99 %d, p99.9 %d,"
                        + " max %d, mean %.1f",
                title, users.sum(), expected.sum(), received.sum(), missing.sum(), duplicated.sum(), outOfOrder.sum(),
                boundMillis, late.sum(), rate, percentile(50), percentile(90), percentile(99), percentile(99.9),
                histogram.getMaxValue(), histogram.getMean());
    }
}
