package io.crier.gateway.hub;

import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's meters, as {@link MeterCatalog} defines them. No tag names a topic or a user: both are unbounded, and a tag per value would grow
 * the registry without limit. Thread-safe.
 */
final class HubMeters {

    private static final Logger log = LoggerFactory.getLogger(Hub.class);

    final Counter malformedPayloads;
    final Counter publications;
    final Counter deliveries;
    /** Receipt from the broker to the start of the fan-out, for publications of topics without history. */
    final Timer decode;
    final Counter stalePublications;
    final Counter repairedPublications;
    final Counter evictions;
    /** Topics with local subscribers, as {@link LocalTopics} counts them; the gauge reads it. */
    final AtomicInteger activeTopics = new AtomicInteger();
    private final Counter recovered;
    private final Counter notRecovered;
    private final Counter repairsFilled;
    private final Counter repairsFailed;
    private final Counter subscribeFailures;
    private final Counter unsubscribeFailures;

    HubMeters(MeterRegistry meters) {
        malformedPayloads = MeterCatalog.BROKER_PAYLOADS_MALFORMED.counter(meters);
        publications = MeterCatalog.HUB_PUBLICATIONS.counter(meters);
        deliveries = MeterCatalog.HUB_DELIVERIES.counter(meters);
        decode = MeterCatalog.HUB_DECODE.timer(meters);
        stalePublications = MeterCatalog.HUB_PUBLICATIONS_STALE.counter(meters);
        repairedPublications = MeterCatalog.HUB_REPAIR_PUBLICATIONS.counter(meters);
        evictions = MeterCatalog.HUB_EVICTIONS.counter(meters);
        recovered = MeterCatalog.HUB_RECOVERIES.counter(meters, "result", "recovered");
        notRecovered = MeterCatalog.HUB_RECOVERIES.counter(meters, "result", "not_recovered");
        repairsFilled = MeterCatalog.HUB_REPAIRS.counter(meters, "result", "filled");
        repairsFailed = MeterCatalog.HUB_REPAIRS.counter(meters, "result", "failed");
        subscribeFailures = MeterCatalog.HUB_BROKER_FAILURES.counter(meters, "op", "subscribe");
        unsubscribeFailures = MeterCatalog.HUB_BROKER_FAILURES.counter(meters, "op", "unsubscribe");
        MeterCatalog.HUB_TOPICS.gauge(meters, activeTopics, AtomicInteger::get);
    }

    void subscribeFailed(Throwable error) {
        subscribeFailures.increment();
        // Outages show in the broker's state and in this counter; a line per call would flood the log.
        log.debug("broker subscribe failed", error);
    }

    void unsubscribeFailed(Throwable error) {
        unsubscribeFailures.increment();
        log.debug("broker unsubscribe failed", error);
    }

    /** Counts one subscribe with {@code since}, by outcome. */
    void recovery(boolean success) {
        (success ? recovered : notRecovered).increment();
    }

    /** Counts one finished gap repair, by outcome. */
    void repair(boolean filled) {
        (filled ? repairsFilled : repairsFailed).increment();
    }
}
