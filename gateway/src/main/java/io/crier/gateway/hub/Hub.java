package io.crier.gateway.hub;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.MalformedPublicationException;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's index of topic to local subscribers. It subscribes the node to a topic on the broker while
 * the topic has local subscribers (ref-counted, with a grace period before unsubscribing), and turns each
 * publication from the broker into one encoded {@code message} push, handed to the {@link Fanout} once for
 * all local subscribers. A malformed broker payload is counted ({@code crier.broker.payloads.malformed})
 * and dropped.
 *
 * <p>Thread-safe: sessions call it from their event loops, the broker from its own threads. Each topic's
 * decisions and the broker calls they make happen under that topic's lock, so the broker sees them in
 * the order the hub made them; publications read an immutable snapshot of the subscribers, with no lock.
 * Meters: {@code crier.broker.payloads.malformed}, {@code crier.hub.publications} (publications handed to
 * the fanout), {@code crier.hub.deliveries} (subscribers they were handed for), {@code crier.hub.topics}
 * (topics with local subscribers) and {@code crier.hub.broker.failures} (tag {@code op}); no tag names a
 * topic or a user.
 *
 * @param <S> the transport's subscriber type
 */
public final class Hub<S extends Subscriber> implements BrokerListener {

    private static final Logger log = LoggerFactory.getLogger(Hub.class);

    private final Broker broker;
    private final EnvelopeCodec envelopes;
    private final PublicationCodec publications;
    private final Fanout<S> fanout;
    private final ScheduledExecutorService scheduler;
    private final Duration unsubscribeGrace;
    private final ConcurrentMap<String, TopicEntry<S>> topics = new ConcurrentHashMap<>();
    private final AtomicInteger activeTopics = new AtomicInteger();
    private final HubMeters meters;

    /**
     * @param scheduler        runs the unsubscribes delayed by {@code unsubscribeGrace}
     * @param unsubscribeGrace how long the node stays subscribed after a topic's last local subscriber
     *                         left; {@link Duration#ZERO} unsubscribes at once
     */
    public Hub(Broker broker, EnvelopeCodec envelopes, PublicationCodec publications, Fanout<S> fanout,
               ScheduledExecutorService scheduler, Duration unsubscribeGrace, MeterRegistry meters) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.envelopes = Objects.requireNonNull(envelopes, "envelopes");
        this.publications = Objects.requireNonNull(publications, "publications");
        this.fanout = Objects.requireNonNull(fanout, "fanout");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.unsubscribeGrace = Objects.requireNonNull(unsubscribeGrace, "unsubscribeGrace");
        if (unsubscribeGrace.isNegative()) {
            throw new IllegalArgumentException("unsubscribeGrace must not be negative");
        }
        this.meters = new HubMeters(meters, activeTopics);
    }

    /**
     * Adds {@code subscriber} to {@code topic}. The stage completes once the node's broker subscription
     * is active, or exceptionally (with {@code BrokerUnavailableException}) when it cannot be made; the
     * subscriber has then been removed again.
     */
    public CompletionStage<Void> subscribe(String topic, S subscriber) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(subscriber, "subscriber");
        while (true) {
            TopicEntry<S> entry = topics.computeIfAbsent(topic, TopicEntry::new);
            CompletableFuture<Void> attempt;
            synchronized (entry) {
                if (entry.retired) {
                    continue; // lost a race with the topic's unsubscribe: its successor entry decides
                }
                cancelPendingUnsubscribe(entry);
                if (entry.attempt == null || entry.attempt.isCompletedExceptionally()) {
                    entry.attempt = brokerSubscribe(topic);
                }
                attempt = entry.attempt;
                if (entry.members.isEmpty()) {
                    activeTopics.incrementAndGet();
                }
                entry.members.put(subscriber, attempt);
                entry.refreshSnapshot();
            }
            return whenActive(entry, subscriber, attempt);
        }
    }

    /** Removes {@code subscriber} from {@code topic}; a no-op when it was not subscribed. */
    public void unsubscribe(String topic, S subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        while (true) {
            TopicEntry<S> entry = topics.get(topic);
            if (entry == null) {
                return;
            }
            synchronized (entry) {
                if (!entry.retired) {
                    leave(entry, subscriber, null);
                    return;
                }
            }
        }
    }

    /** Publishes {@code data} to {@code topic} on every node, through the broker. */
    public CompletionStage<Void> publish(String topic, RawJson data) {
        try {
            return broker.publish(topic, publications.encode(data));
        } catch (RuntimeException e) {
            // A broker must fail the stage rather than throw; the caller still gets one path for failures.
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The number of topics with local subscribers. */
    public int topicCount() {
        return activeTopics.get();
    }

    /** Called on a broker thread: decodes, encodes the push once, hands it to the fanout. Never throws. */
    @Override
    public void onPublication(String topic, byte[] payload) {
        try {
            RawJson data = publications.decodeData(payload);
            TopicEntry<S> entry = topics.get(topic);
            List<S> targets = entry == null ? List.of() : entry.snapshot;
            if (targets.isEmpty()) {
                return; // in flight while the topic's last subscriber left; nobody here wants it
            }
            fanout.deliver(envelopes.encodeMessage(topic, data), targets);
            meters.publications.increment();
            meters.deliveries.increment(targets.size());
        } catch (MalformedPublicationException e) {
            // A backend's mistake: counted, not logged one by one, so a bad publisher cannot flood the log.
            meters.malformedPayloads.increment();
        } catch (RuntimeException e) {
            // A bug in encoding or in the fanout must not stop the broker's delivery thread.
            log.error("delivering a publication failed", e);
        }
    }

    private CompletionStage<Void> whenActive(TopicEntry<S> entry, S subscriber, CompletableFuture<Void> attempt) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        attempt.whenComplete((ignored, error) -> {
            if (error == null) {
                result.complete(null);
                return;
            }
            synchronized (entry) {
                if (!entry.retired) {
                    leave(entry, subscriber, attempt);
                }
            }
            result.completeExceptionally(error);
        });
        return result;
    }

    /** Removes a member (only if it joined {@code attempt}, when given). Caller holds the entry's lock. */
    private void leave(TopicEntry<S> entry, S subscriber, CompletableFuture<Void> attempt) {
        CompletableFuture<Void> joined = entry.members.get(subscriber);
        if (joined == null || (attempt != null && joined != attempt)) {
            return;
        }
        entry.members.remove(subscriber);
        entry.refreshSnapshot();
        if (entry.members.isEmpty()) {
            activeTopics.decrementAndGet();
            scheduleUnsubscribe(entry);
        }
    }

    /** Caller holds the entry's lock. */
    private void scheduleUnsubscribe(TopicEntry<S> entry) {
        if (unsubscribeGrace.isZero()) {
            retire(entry);
            return;
        }
        long epoch = ++entry.unsubscribeEpoch;
        try {
            entry.pendingUnsubscribe = scheduler.schedule(() -> expire(entry, epoch),
                    unsubscribeGrace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The scheduler stops with the node; unsubscribing at once is the safe side.
            retire(entry);
        }
    }

    private void expire(TopicEntry<S> entry, long epoch) {
        synchronized (entry) {
            if (!entry.retired && entry.members.isEmpty() && entry.unsubscribeEpoch == epoch) {
                retire(entry);
            }
        }
    }

    /** Caller holds the entry's lock. */
    private void cancelPendingUnsubscribe(TopicEntry<S> entry) {
        entry.unsubscribeEpoch++;
        if (entry.pendingUnsubscribe != null) {
            entry.pendingUnsubscribe.cancel(false);
            entry.pendingUnsubscribe = null;
        }
    }

    /**
     * Unsubscribes the node from the entry's topic and drops the entry. Caller holds the entry's lock.
     * The broker call is issued before the entry leaves the map, so that a later subscriber's broker
     * subscribe (made on a new entry) is always issued after it.
     */
    private void retire(TopicEntry<S> entry) {
        entry.retired = true;
        entry.pendingUnsubscribe = null;
        try {
            broker.unsubscribe(entry.topic).whenComplete((ignored, error) -> {
                if (error != null) {
                    meters.unsubscribeFailed(error);
                }
            });
        } catch (RuntimeException e) {
            meters.unsubscribeFailed(e);
        }
        topics.remove(entry.topic, entry);
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
