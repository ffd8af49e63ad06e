package io.crier.gateway.hub;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.protocol.Position;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Hub}'s topic entries and the node's interest in each topic on the broker: a topic's local members
 * ref-count the node's broker subscription; after the last one leaves, the node stays subscribed for the
 * unsubscribe grace, and a subscriber arriving within it keeps the subscription. A failed broker subscribe
 * removes the members that joined it (and no one else); the next subscriber retries.
 *
 * <p>Thread-safe: each topic's decisions, and the broker calls they make, happen under its entry's lock, so the
 * broker sees them in the order they were made. A retired entry is out of the map for good and the next
 * subscriber makes a new one, whose broker subscribe is issued after the retired entry's unsubscribe.
 */
final class LocalTopics {

    /**
     * What {@link #join} gives back: the stage that completes once the member's broker subscription is active
     * (or fails, the member then removed again), and its recovery when the topic keeps history, else null.
     */
    record Joined(CompletionStage<Void> active, Recovery recovery) {
    }

    private final Broker broker;
    private final HubHistory history;
    private final ScheduledExecutorService scheduler;
    private final Duration unsubscribeGrace;
    private final HubMeters meters;
    private final ConcurrentMap<String, TopicEntry> topics = new ConcurrentHashMap<>();

    /**
     * @param scheduler        runs the unsubscribes delayed by {@code unsubscribeGrace}
     * @param unsubscribeGrace how long the node stays subscribed after a topic's last local subscriber left;
     *                         {@link Duration#ZERO} unsubscribes at once
     */
    LocalTopics(Broker broker, HubHistory history, ScheduledExecutorService scheduler, Duration unsubscribeGrace,
                HubMeters meters) {
        this.broker = broker;
        this.history = history;
        this.scheduler = scheduler;
        this.unsubscribeGrace = Objects.requireNonNull(unsubscribeGrace, "unsubscribeGrace");
        if (unsubscribeGrace.isNegative()) {
            throw new IllegalArgumentException("unsubscribeGrace must not be negative");
        }
        this.meters = meters;
    }

    /** The topic's entry, or {@code null} when it has no local subscribers and no pending unsubscribe. */
    TopicEntry get(String topic) {
        return topics.get(topic);
    }

    /** A copy of every entry. */
    List<TopicEntry> entries() {
        return List.copyOf(topics.values());
    }

    /** The number of topics with local subscribers. */
    int count() {
        return meters.activeTopics.get();
    }

    /**
     * Adds {@code subscriber} to {@code topic}, subscribing the node on the broker unless it already is (or is
     * being). For a topic with history the subscriber joins held back, with a {@link Recovery} from
     * {@code since}. No lock held by the caller.
     */
    Joined join(String topic, Subscriber subscriber, Position since) {
        while (true) {
            TopicEntry entry = topics.computeIfAbsent(topic,
                    name -> new TopicEntry(name, history.optionsFor(name)));
            CompletableFuture<Void> attempt;
            Recovery recovery;
            synchronized (entry) {
                if (entry.retired()) {
                    continue; // lost a race with the topic's unsubscribe: its successor entry decides
                }
                entry.cancelUnsubscribe();
                attempt = entry.brokerAttempt(() -> brokerSubscribe(topic));
                if (!entry.hasMembers()) {
                    meters.activeTopics.incrementAndGet();
                }
                recovery = entry.join(subscriber, attempt, since);
            }
            return new Joined(whenActive(entry, subscriber, attempt), recovery);
        }
    }

    /** Removes {@code subscriber} from {@code topic}; a no-op when it was not subscribed. No lock held. */
    void leave(String topic, Subscriber subscriber) {
        while (true) {
            TopicEntry entry = topics.get(topic);
            if (entry == null) {
                return;
            }
            synchronized (entry) {
                if (!entry.retired()) {
                    leave(entry, subscriber, null);
                    return;
                }
            }
        }
    }

    /** Removes a member (only if it joined {@code attempt}, when given). Caller holds the entry's lock. */
    void leave(TopicEntry entry, Subscriber subscriber, CompletableFuture<Void> attempt) {
        if (entry.remove(subscriber, attempt) && !entry.hasMembers()) {
            meters.activeTopics.decrementAndGet();
            scheduleUnsubscribe(entry);
        }
    }

    private CompletionStage<Void> whenActive(TopicEntry entry, Subscriber subscriber, CompletableFuture<Void> attempt) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        attempt.whenComplete((ignored, error) -> {
            if (error == null) {
                result.complete(null);
                return;
            }
            synchronized (entry) {
                if (!entry.retired()) {
                    leave(entry, subscriber, attempt);
                }
            }
            result.completeExceptionally(error);
        });
        return result;
    }

    /** Caller holds the entry's lock. */
    private void scheduleUnsubscribe(TopicEntry entry) {
        if (unsubscribeGrace.isZero()) {
            retire(entry);
            return;
        }
        long ticket = entry.newUnsubscribeTicket();
        try {
            entry.unsubscribeScheduled(scheduler.schedule(() -> expire(entry, ticket),
                    unsubscribeGrace.toNanos(), TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException e) {
            // The scheduler stops with the node; unsubscribing at once is the safe side.
            retire(entry);
        }
    }

    private void expire(TopicEntry entry, long ticket) {
        synchronized (entry) {
            if (entry.unsubscribeDue(ticket)) {
                retire(entry);
            }
        }
    }

    /**
     * Unsubscribes the node from the entry's topic and drops the entry. Caller holds the entry's lock.
     * The broker call is issued before the entry leaves the map, so that a later subscriber's broker
     * subscribe (made on a new entry) is always issued after it.
     */
    private void retire(TopicEntry entry) {
        entry.retire();
        try {
            broker.unsubscribe(entry.topic()).whenComplete((ignored, error) -> {
                if (error != null) {
                    meters.unsubscribeFailed(error);
                }
            });
        } catch (RuntimeException e) {
            meters.unsubscribeFailed(e);
        }
        topics.remove(entry.topic(), entry);
    }

    /** Starts one broker subscribe; its stage fails only with {@link BrokerUnavailableException}. */
    private CompletableFuture<Void> brokerSubscribe(String topic) {
        CompletableFuture<Void> attempt = new CompletableFuture<>();
        try {
            broker.subscribe(topic).whenComplete((ignored, error) -> {
                if (error == null) {
                    attempt.complete(null);
                } else {
                    meters.subscribeFailed(error);
                    attempt.completeExceptionally(unavailable(error));
                }
            });
        } catch (RuntimeException e) {
            meters.subscribeFailed(e);
            attempt.completeExceptionally(unavailable(e));
        }
        return attempt;
    }

    private static BrokerUnavailableException unavailable(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof BrokerUnavailableException unavailable
                ? unavailable : new BrokerUnavailableException("broker subscribe failed", cause);
    }
}
