package io.crier.gateway.hub;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.HistoryOptions;
import io.crier.protocol.ChannelMessage;
import io.crier.protocol.CommandId;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.MalformedPublicationException;
import io.crier.protocol.Position;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
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
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's index of topic to local subscribers. It subscribes the node to a topic on the broker while
 * the topic has local subscribers (ref-counted, with a grace period before unsubscribing), and turns each
 * publication from the broker into one encoded {@code message} push, handed to the {@link Fanout} once for
 * all local subscribers. A malformed broker payload is counted ({@code crier.broker.payloads.malformed})
 * and dropped; presence events go to the {@link PresenceEventSink}.
 *
 * <p>Topics whose namespace keeps history ({@link HubHistory}) carry positions: their publications are
 * sequenced by offset and gaps are repaired from history ({@link GapRepair}); a subscribe may recover what the
 * session missed ({@link Recoveries}): the session is held back (publications held for it, not written) until
 * its reply is written and {@link #activate} replays what it missed, then it goes live. Client publications to
 * such topics go through the {@code HistoryStore}, which assigns the offset.
 *
 * <p>Thread-safe: sessions call it from their event loops, the broker from its own threads. Each topic's
 * decisions and the broker calls they make happen under that topic's lock, so the broker sees them in
 * the order the hub made them; publications of topics without history read an immutable snapshot of the
 * subscribers, with no lock; those of topics with history are sequenced and written under the topic's lock, so
 * that replays, repairs and live deliveries to one session never interleave.
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
    private final HubHistory<S> history;
    private final Recoveries<S> recoveries;
    private final GapRepair<S> repairs;
    private final HistoryPages pages;
    private final AtomicLong outages = new AtomicLong();
    private volatile boolean linkUp;
    private volatile PresenceEventSink presenceEvents = PresenceEventSink.NONE;

    /**
     * @param scheduler        runs the unsubscribes delayed by {@code unsubscribeGrace}
     * @param unsubscribeGrace how long the node stays subscribed after a topic's last local subscriber
     *                         left; {@link Duration#ZERO} unsubscribes at once
     */
    public Hub(Broker broker, EnvelopeCodec envelopes, PublicationCodec publications, Fanout<S> fanout,
               ScheduledExecutorService scheduler, Duration unsubscribeGrace, MeterRegistry meters) {
        this(broker, HubHistory.none(), envelopes, publications, fanout, scheduler, unsubscribeGrace, meters);
    }

    /**
     * A hub that serves the topics {@code history} says keep history with offsets, recovery and gap repair.
     *
     * @param scheduler        runs the unsubscribes delayed by {@code unsubscribeGrace}, and repair retries
     * @param unsubscribeGrace how long the node stays subscribed after a topic's last local subscriber
     *                         left; {@link Duration#ZERO} unsubscribes at once
     */
    public Hub(Broker broker, HubHistory<S> history, EnvelopeCodec envelopes, PublicationCodec publications,
               Fanout<S> fanout, ScheduledExecutorService scheduler, Duration unsubscribeGrace, MeterRegistry meters) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.history = Objects.requireNonNull(history, "history");
        this.envelopes = Objects.requireNonNull(envelopes, "envelopes");
        this.publications = Objects.requireNonNull(publications, "publications");
        this.fanout = Objects.requireNonNull(fanout, "fanout");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.unsubscribeGrace = Objects.requireNonNull(unsubscribeGrace, "unsubscribeGrace");
        if (unsubscribeGrace.isNegative()) {
            throw new IllegalArgumentException("unsubscribeGrace must not be negative");
        }
        this.meters = new HubMeters(meters, activeTopics);
        Membership<S> membership = new HubMembership();
        PushEncoder pushes = new PushEncoder(envelopes, publications, this.meters);
        this.recoveries = new Recoveries<>(history, fanout, pushes, membership, this.meters);
        this.repairs = new GapRepair<>(history, fanout, pushes, recoveries, membership, scheduler, this.meters);
        this.pages = history.store() == null ? null : new HistoryPages(history.store(), pushes);
    }

    /** Hands the presence events that arrive on topics' broker channels to {@code sink}; set once, at wiring. */
    public void presenceEvents(PresenceEventSink sink) {
        this.presenceEvents = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Adds {@code subscriber} to {@code topic} and makes it live. The stage completes once the node's broker
     * subscription is active (and, for a topic with history, the subscriber is live from the topic's current
     * position), or exceptionally (with {@code BrokerUnavailableException}) when it cannot be made; the
     * subscriber has then been removed again. A caller that writes a reply uses
     * {@link #subscribe(String, Subscriber, Position)} instead, so that nothing reaches the session before it.
     */
    public CompletionStage<Void> subscribe(String topic, S subscriber) {
        return subscribe(topic, subscriber, null).thenApply(subscription -> {
            activate(subscription);
            return null;
        });
    }

    /**
     * Adds {@code subscriber} to {@code topic}. For a topic without history, the subscriber is live once the
     * stage completes (once the node's broker subscription is active), and {@code since} is ignored. For a
     * topic with history, the subscriber is held back: the stage completes with whether what it missed after
     * {@code since} follows ({@code recovered}) and the topic's position, and the caller must write its reply,
     * then call {@link #activate} on the session's event loop: the replay and the publications held meanwhile
     * are written then, and the subscriber goes live. The stage fails (with {@code BrokerUnavailableException})
     * when the broker subscription or the history read fails; the subscriber has then been removed again.
     *
     * @param since the client's last position, or {@code null} for a plain subscribe (from the current position)
     */
    public CompletionStage<Subscription> subscribe(String topic, S subscriber, Position since) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(subscriber, "subscriber");
        while (true) {
            TopicEntry<S> entry = topics.computeIfAbsent(topic, name -> new TopicEntry<>(name, history.optionsFor(name)));
            CompletableFuture<Void> attempt;
            Recovery<S> recovery = null;
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
                if (entry.history != null) {
                    recovery = new Recovery<>(entry, subscriber, since);
                    entry.recovering.put(subscriber, recovery);
                }
                entry.refreshSnapshot();
            }
            CompletionStage<Void> active = whenActive(entry, subscriber, attempt);
            if (recovery == null) {
                return active.thenApply(ignored -> Subscription.plain(topic));
            }
            return recover(recovery, active);
        }
    }

    /**
     * Makes a subscription to a topic with history live: writes the publications it missed and those held
     * since it joined, in order, then delivers live. Call it on the session's event loop right after writing
     * the subscribe reply, so that all of them follow the reply. A no-op for a topic without history, or when
     * the subscriber left meanwhile.
     */
    public void activate(Subscription subscription) {
        Recovery<?> recovery = subscription.recovery();
        if (recovery != null) {
            @SuppressWarnings("unchecked")
            Recovery<S> own = (Recovery<S>) recovery;
            recoveries.activate(own);
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

    /** Publishes {@code data} to {@code topic} on every node, through the broker (or the history store). */
    public CompletionStage<Void> publish(String topic, RawJson data) {
        return publishAt(topic, data).thenApply(position -> null);
    }

    /**
     * Publishes {@code data} to {@code topic} on every node: through the {@code HistoryStore} for a topic with
     * history (which assigns its offset, atomically with the broker publish), else through the broker. The
     * stage completes with the publication's position, or {@code null} for a topic without history.
     */
    public CompletionStage<Position> publishAt(String topic, RawJson data) {
        try {
            HistoryOptions options = history.optionsFor(topic);
            if (options == null) {
                return broker.publish(topic, publications.encode(data)).thenApply(ignored -> null);
            }
            return history.store().publish(topic, data.toBytes(), options)
                    .thenApply(position -> new Position(position.offset(), position.epoch()));
        } catch (RuntimeException e) {
            // A broker must fail the stage rather than throw; the caller still gets one path for failures.
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether {@code topic}'s namespace keeps history (its publications carry positions). */
    public boolean hasHistory(String topic) {
        return history.optionsFor(topic) != null;
    }

    /** Whether clients may read {@code topic}'s history with the {@code history} command (when it has history). */
    public boolean historyCommandAllowed(String topic) {
        return history.commandAllowed(topic);
    }

    /**
     * Reads up to {@code limit} stored publications of {@code topic} after {@code since} (from the oldest when
     * null) as the answer to command {@code id}. Fails with {@link IllegalStateException} when the topic has no
     * history, and with {@code BrokerUnavailableException} when the store cannot be reached.
     */
    public CompletionStage<Reply.HistoryPage> history(CommandId id, String topic, Position since, int limit) {
        HistoryOptions options = history.optionsFor(topic);
        if (options == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("topic has no history"));
        }
        try {
            return pages.read(id, topic, options, since, limit);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The number of topics with local subscribers. */
    public int topicCount() {
        return activeTopics.get();
    }

    /**
     * Hands {@code encodedPush} (a push other than {@code message}, e.g. {@code join}) to this node's live
     * subscribers of {@code topic}, outside the topic's publication order. Never blocks.
     */
    public void push(String topic, byte[] encodedPush) {
        TopicEntry<S> entry = topics.get(topic);
        List<S> targets = entry == null ? List.of() : entry.snapshot;
        if (!targets.isEmpty()) {
            fanout.deliver(encodedPush, targets);
        }
    }

    /**
     * Called on a broker thread: decodes, encodes the push once, hands it to the fanout (for a topic with
     * history, through the sequencer). Presence events go to the {@link PresenceEventSink}. Never throws.
     */
    @Override
    public void onPublication(String topic, byte[] payload) {
        try {
            ChannelMessage message = publications.decode(payload);
            if (message instanceof ChannelMessage.PresenceEvent event) {
                presenceEvents.onPresenceEvent(topic, event);
                return;
            }
            ChannelMessage.Publication publication = (ChannelMessage.Publication) message;
            TopicEntry<S> entry = topics.get(topic);
            Position position = publication.position();
            if (entry != null && entry.history != null && position != null) {
                byte[] push = envelopes.encodeMessage(topic, publication.data(), position);
                repairs.onPublication(entry, new Positioned(position.offset(), position.epoch(), push));
                return;
            }
            // Without history (or a plain PUBLISH on a history topic): at most once, to the live sessions.
            List<S> targets = entry == null ? List.of() : entry.snapshot;
            if (targets.isEmpty()) {
                return; // in flight while the topic's last subscriber left; nobody here wants it
            }
            fanout.deliver(envelopes.encodeMessage(topic, publication.data(), position), targets);
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

    /**
     * Tracks the broker link; when it comes back after an outage, repairs every topic with history, since
     * Redis pub/sub dropped what was published meanwhile. Called on a broker thread; never blocks.
     */
    @Override
    public void onStateChange(BrokerState state) {
        if (state == BrokerState.CONNECTED) {
            boolean wasDown = !linkUp;
            linkUp = true;
            if (wasDown) {
                repairs.onLinkRestored(List.copyOf(topics.values()));
            }
        } else if (linkUp) {
            outages.incrementAndGet();
            linkUp = false;
        }
    }

    /** Reads the history once the broker subscription is active; the read decides the stage. */
    private CompletionStage<Subscription> recover(Recovery<S> recovery, CompletionStage<Void> active) {
        active.whenComplete((ignored, error) -> {
            if (error == null) {
                recoveries.read(recovery);
            } else {
                recovery.result.completeExceptionally(error);
            }
        });
        return recovery.result;
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
        entry.recovering.remove(subscriber);
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

    /** The hub's bookkeeping as the history logic sees it. */
    private final class HubMembership implements Membership<S> {

        @Override
        public void remove(TopicEntry<S> entry, S subscriber) {
            leave(entry, subscriber, null);
        }

        @Override
        public long outages() {
            return outages.get();
        }

        @Override
        public boolean linkUp() {
            return linkUp;
        }
    }
}
