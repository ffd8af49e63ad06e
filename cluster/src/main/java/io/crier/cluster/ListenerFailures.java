package io.crier.cluster;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Counts the exceptions a broker's {@link BrokerListener} throws, which the broker catches so that a listener's
 * bug cannot break its connection; the first is logged at WARN with its stack trace, the others at DEBUG only, so
 * that a listener failing on every publication cannot flood the log.
 *
 * <p>Thread-safe: one per broker, called from any thread that delivers.
 */
public final class ListenerFailures {

    private final Logger log;
    private final AtomicLong count = new AtomicLong();

    /** @param log the broker's logger */
    public ListenerFailures(Logger log) {
        this.log = log;
    }

    /** Records that the listener's {@code callback} threw {@code failure}. */
    public void record(String callback, RuntimeException failure) {
        long failures = count.incrementAndGet();
        if (failures == 1) {
            log.warn("BrokerListener.{} threw; further failures are logged at DEBUG", callback, failure);
        } else {
            log.debug("BrokerListener.{} threw (failure {})", callback, failures, failure);
        }
    }

    /** How many times the listener threw. */
    public long count() {
        return count.get();
    }
}
