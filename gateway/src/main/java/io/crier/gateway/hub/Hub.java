package io.crier.gateway.hub;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.ChannelMessage;
import io.crier.protocol.CommandId;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.MalformedPublicationException;
import io.crier.protocol.Position;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's index of topic to local subscribers. It subscribes the node to a topic on the broker while
 * the topic has local subscribers (ref-counted, with a grace period before unsubscribing: {@link LocalTopics}),
 * and turns each publication from the broker into one encoded {@code message} push, handed to the
 * {@link Fanout} once for all local subscribers. A malformed broker payload is counted
 * ({@link MeterCatalog#BROKER_PAYLOADS_MALFORMED}) and dropped; presence events go to the {@link PresenceEventSink}.
 *
 * <p>Topics whose namespace keeps history ({@link HubHistory}) carry positions: their publications are
 * sequenced by offset and gaps are repaired from history ({@link GapRepair}); a subscribe may recover what the
 * session missed ({@link Recoveries}): the session is held back (publications held for it, not written) until
 * its reply is written and {@link #activate} replays what it missed, then it goes live. Client publications to
 * such topics go through the {@code HistoryStore}, which assigns the offset ({@link PublishRoute}).
 *
 * <p>Thread-safe: sessions call it from their event loops, the broker from its own threads. Each topic's
 * decisions and the broker calls they make happen under that topic's lock, so the broker sees them in
 * the order the hub made them; publications of topics without history read an immutable snapshot of the
 * subscribers, with no lock; those of topics with history are sequenced and written under the topic's lock, so
 * that replays, repairs and live deliveries to one session never interleave.
 * Meters: {@link MeterCatalog#BROKER_PAYLOADS_MALFORMED}, {@link MeterCatalog#HUB_PUBLICATIONS} (publications handed to
 * the fanout), {@link MeterCatalog#HUB_DECODE} (from a broker publication's receipt to its fan-out),
 * {@link MeterCatalog#HUB_DELIVERIES} (subscribers they were handed for), {@link MeterCatalog#HUB_TOPICS}
 * (topics with local subscribers) and {@link MeterCatalog#HUB_BROKER_FAILURES} (tag {@code op}); no tag names a
 * topic or a user.
 */
public final class Hub implements BrokerListener {

    private static final Logger log = LoggerFactory.getLogger(Hub.class);

    private final EnvelopeCodec envelopes;
    private final PublicationCodec publications;
    private final Fanout fanout;
    private final HubMeters meters;
    private final HubHistory history;
    private final LocalTopics topics;
    private final Recoveries recoveries;
    private final GapRepair repairs;
    private final HistoryPages pages;
    private final PublishRoute route;
    private final AtomicLong outages = new AtomicLong();
    private volatile boolean linkUp;
    private volatile PresenceEventSink presenceEvents = PresenceEventSink.NONE;

    /**
     * A hub that serves the topics {@code history} says keep history with offsets, recovery and gap repair.
     *
     * @param unsubscribeGrace how long the node stays subscribed after a topic's last local subscriber
     *                         left; {@link Duration#ZERO} unsubscribes at once
     */
    public Hub(HubWiring wiring, HubHistory history, Duration unsubscribeGrace) {
        Objects.requireNonNull(wiring, "wiring");
        Broker broker = wiring.broker();
        this.history = Objects.requireNonNull(history, "history");
        this.envelopes = wiring.envelopes();
        this.publications = wiring.publications();
        this.fanout = wiring.fanout();
        this.meters = new HubMeters(wiring.meters());
        this.topics = new LocalTopics(broker, history, wiring.scheduler(), unsubscribeGrace, meters);
        Membership membership = new HubMembership();
        PushEncoder pushes = new PushEncoder(envelopes, publications, meters);
        this.recoveries = new Recoveries(history, fanout, pushes, membership, meters);
        this.repairs = new GapRepair(history, fanout, pushes, recoveries, membership, wiring.scheduler(), meters);
        this.pages = new HistoryPages(history, pushes);
        this.route = new PublishRoute(broker, publications, history.store(), history::optionsFor);
    }

    /** Hands the presence events that arrive on topics' broker channels to {@code sink}; set once, at wiring. */
    public void presenceEvents(PresenceEventSink sink) {
        this.presenceEvents = Objects.requireNonNull(sink, "sink");
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
    public CompletionStage<Subscription> subscribe(String topic, Subscriber subscriber, Position since) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(subscriber, "subscriber");
        LocalTopics.Joined joined = topics.join(topic, subscriber, since);
        if (joined.recovery() == null) {
            return joined.active().thenApply(ignored -> Subscription.plain(topic));
        }
        return recoveries.recover(joined.recovery(), joined.active());
    }

    /**
     * Makes a subscription to a topic with history live: writes the publications it missed and those held
     * since it joined, in order, then delivers live. Call it on the session's event loop right after writing
     * the subscribe reply, so that all of them follow the reply. A no-op for a topic without history, or when
     * the subscriber left meanwhile.
     */
    public void activate(Subscription subscription) {
        Recovery recovery = subscription.recovery();
        if (recovery != null) {
            recoveries.activate(recovery);
        }
    }

    /** Removes {@code subscriber} from {@code topic}; a no-op when it was not subscribed. */
    public void unsubscribe(String topic, Subscriber subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        topics.leave(topic, subscriber);
    }

    /**
     * Publishes {@code data} to {@code topic} on every node, as the {@link PublishRoute} decides: the stage
     * completes with the publication's position, or {@code null} for a topic without history.
     */
    public CompletionStage<Position> publish(String topic, RawJson data) {
        return route.publish(topic, data);
    }

    /** Where this node's publications go: shared with the HTTP publish API, so that both decide alike. */
    public PublishRoute publishRoute() {
        return route;
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
        return pages.read(id, topic, since, limit);
    }

    /**
     * The string this hub already holds as {@code topic}'s name (the same characters), or {@code topic} itself when
     * the topic has no entry here: a session that keeps this one shares it instead of holding its own copy.
     */
    public String sharedName(String topic) {
        TopicEntry entry = topics.get(topic);
        return entry == null ? topic : entry.topic();
    }

    /** The number of topics with local subscribers. */
    public int topicCount() {
        return topics.count();
    }

    /**
     * Hands {@code encodedPush} (a push other than {@code message}, e.g. {@code join}) to this node's live
     * subscribers of {@code topic}, outside the topic's publication order. Never blocks.
     */
    public void push(String topic, byte[] encodedPush) {
        TopicEntry entry = topics.get(topic);
        List<Subscriber> targets = entry == null ? List.of() : entry.snapshot();
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
        long receivedNanos = System.nanoTime();
        try {
            ChannelMessage message = publications.decode(payload);
            if (message instanceof ChannelMessage.PresenceEvent event) {
                presenceEvents.onPresenceEvent(topic, event);
                return;
            }
            ChannelMessage.Publication publication = (ChannelMessage.Publication) message;
            TopicEntry entry = topics.get(topic);
            if (entry != null && entry.history() != null && publication.position() != null) {
                repairs.onPublication(entry, publication);
                return;
            }
            // Without history (or a plain PUBLISH on a history topic): at most once, to the live sessions, and with no
            // position even when FCALL crier_publish gave one: where the namespace keeps no history there is nothing
            // to recover from, so a position would promise what a subscribe with `since` cannot keep.
            List<Subscriber> targets = entry == null ? List.of() : entry.snapshot();
            if (targets.isEmpty()) {
                return; // in flight while the topic's last subscriber left; nobody here wants it
            }
            byte[] push = envelopes.encodeMessage(topic, publication.data(), null);
            meters.decode.record(System.nanoTime() - receivedNanos, TimeUnit.NANOSECONDS);
            fanout.deliver(push, targets);
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
                repairs.onLinkRestored(topics.entries());
            }
        } else if (linkUp) {
            outages.incrementAndGet();
            linkUp = false;
        }
    }

    /**
     * Repairs the topics with history whose broker subscription was broken and is back (a sharded broker moved it
     * to the slot's new owner), as after an outage of the whole link: what was published meanwhile was not
     * delivered. Counted as an outage, so that no topic takes a new epoch's first publication for a fresh start
     * without reading history. Called on a broker thread; never blocks.
     */
    @Override
    public void onSubscriptionsRestored(Collection<String> restored) {
        outages.incrementAndGet();
        List<TopicEntry> entries = new ArrayList<>(restored.size());
        for (String topic : restored) {
            TopicEntry entry = topics.get(topic);
            if (entry != null) {
                entries.add(entry);
            }
        }
        repairs.onLinkRestored(entries);
    }

        /** The hub's bookkeeping as the history logic sees it. */
    private final class HubMembership implements Membership {

        @Override
        public void remove(TopicEntry entry, Subscriber subscriber) {
            topics.leave(entry, subscriber, null);
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
