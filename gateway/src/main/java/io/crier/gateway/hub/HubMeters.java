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
    private final Counter subscribeFailures;
    private final Counter unsubscribeFailures;

    HubMeters(MeterRegistry meters, AtomicInteger activeTopics) {
        malformedPayloads = Counter.builder("crier.broker.payloads.malformed")
                .description("Broker payloads that were not valid publications, dropped").register(meters);
        publications = Counter.builder("crier.hub.publications")
                .description("Publications encoded once and handed to local subscribers").register(meters);
        deliveries = Counter.builder("crier.hub.deliveries")
                .description("Local subscribers publications were handed to").register(meters);
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

    private static Counter brokerFailures(MeterRegistry meters, String operation) {
        return Counter.builder("crier.hub.broker.failures").tag("op", operation)
                .description("Broker subscribe and unsubscribe calls that failed").register(meters);
    }
}
