package io.crier.gateway.hub;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's meters. No tag names a topic or a user: both are unbounded, and a tag per value would grow
 * the registry without limit. Thread-safe.
 */
final class HubMeters {

    private static final Logger log = LoggerFactory.getLogger(Hub.class);

    final Counter malformedPayloads;
    final Counter publications;
    final Counter deliveries;
    final Counter stalePublications;
    final Counter repairedPublications;
    final Counter evictions;
    private final Counter recovered;
    private final Counter notRecovered;
    private final Counter repairsFilled;
    private final Counter repairsFailed;
    private final Counter subscribeFailures;
    private final Counter unsubscribeFailures;

    HubMeters(MeterRegistry meters, AtomicInteger activeTopics) {
        malformedPayloads = Counter.builder("crier.broker.payloads.malformed")
                .description("Broker payloads that were not valid publications, dropped").register(meters);
        publications = Counter.builder("crier.hub.publications")
                .description("Publications encoded once and handed to local subscribers").register(meters);
        deliveries = Counter.builder("crier.hub.deliveries")
                .description("Local subscribers publications were handed to").register(meters);
        stalePublications = Counter.builder("crier.hub.publications.stale")
                .description("Publications of topics with history dropped as already delivered").register(meters);
        repairedPublications = Counter.builder("crier.hub.repair.publications")
                .description("Missed publications read back from history by gap repairs").register(meters);
        evictions = Counter.builder("crier.hub.evictions")
                .description("Sessions closed with insufficient_state: a gap the node could not repair")
                .register(meters);
        recovered = recoveries(meters, "recovered");
        notRecovered = recoveries(meters, "not_recovered");
        repairsFilled = repairs(meters, "filled");
        repairsFailed = repairs(meters, "failed");
        subscribeFailures = brokerFailures(meters, "subscribe");
        unsubscribeFailures = brokerFailures(meters, "unsubscribe");
        Gauge.builder("crier.hub.topics", activeTopics, AtomicInteger::get)
                .description("Topics with local subscribers").register(meters);
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

    private static Counter recoveries(MeterRegistry meters, String result) {
        return Counter.builder("crier.hub.recoveries").tag("result", result)
                .description("Subscribes with since, by whether every missed publication was replayed")
                .register(meters);
    }

    private static Counter repairs(MeterRegistry meters, String result) {
        return Counter.builder("crier.hub.repairs").tag("result", result)
                .description("Gap repairs of topics with history, by outcome").register(meters);
    }

    private static Counter brokerFailures(MeterRegistry meters, String operation) {
        return Counter.builder("crier.hub.broker.failures").tag("op", operation)
                .description("Broker subscribe and unsubscribe calls that failed").register(meters);
    }
}
